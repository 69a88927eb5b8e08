/* The ipywidgets HTML manager typesets widget labels with MathJax 2's API (MathJax.Hub.Queue);
 * the book loads MathJax 3. Give it the one call it uses, mapped onto MathJax 3. Loaded (deferred)
 * after MathJax, so window.MathJax is MathJax 3's global here when the page has math. */
(function () {
  "use strict";
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  mj.Hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (command) {
        var element = Array.isArray(command) ? command[2] : null;
        mj.startup.promise.then(function () {
          return mj.typesetPromise(element ? [element] : undefined);
        });
      });
    }
  };
})();
