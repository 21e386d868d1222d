// Init script for tests/e2e/test_reliability.py (page.add_init_script): records, from the
// first moment of the document, every element added to it that the page's own HTML did
// not contain (the fixture pages mark all theirs with data-page), every element created
// through document.createElement, and every Content-Security-Policy / Trusted Types
// violation. The shim must add nothing, create nothing, violate nothing.
(function () {
  'use strict';
  var log = window.__reliability = {added: [], created: [], violations: []};
  function describe(node) {
    var s = node.nodeName;
    if (node.getAttribute) s += ' ' + (node.getAttribute('src') || node.getAttribute('id') || '');
    return s.slice(0, 120);
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && !node.hasAttribute('data-page')) log.added.push(describe(node));
      });
    });
  }).observe(document, {childList: true, subtree: true});
  var create = Document.prototype.createElement;
  Document.prototype.createElement = function (name) {
    log.created.push(String(name));
    return create.apply(this, arguments);
  };
  document.addEventListener('securitypolicyviolation', function (e) {
    log.violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
  });
})();
