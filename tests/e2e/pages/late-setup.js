// A tag manager that injects the tracker after window load -- and does it twice.
window.addEventListener('load', function () {
  setTimeout(function () {
    for (var i = 0; i < 2; i++) {
      var s = document.createElement('script');
      s.src = '/static/hsq-shim.js';
      s.setAttribute('data-portal-id', '77');
      document.head.appendChild(s);
    }
  }, 50);
});
