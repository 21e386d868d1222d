// A site's own tracking code: queued before HubSpot loads, plus a custom event on click
// (sent by hand in HubSpot's wire format, whatever the shim implements) and a form post.
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['identify', {email: 'visitor@example.com', firstname: 'Jo'}]);
document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('signup').addEventListener('click', function () {
    new Image(1, 1).src = 'https://track.hubspot.com/__ptbe.gif?n=pe890_signup' +
      '&_plan=' + encodeURIComponent('pro plan') + '&_seats=5&a=890' +
      '&pu=' + encodeURIComponent(location.href);
    fetch('https://forms.hubspot.com/uploads/form/v2/890/abc', {method: 'POST', mode: 'no-cors', body: 'email=x'})
      .catch(function () {});
  });
});
