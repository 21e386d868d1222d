// A minimal router: navigate(path) sets the title the way SPA routers do, right after
// pushState (the shim reads the title after the current task).
window.navigate = function (path, replace) {
  history[replace ? 'replaceState' : 'pushState']({path: path}, '', path);
  document.title = 'Page ' + path;
};
