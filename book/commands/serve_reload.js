/* `ohwb-book serve`'s page script (added to the pages it serves, never to the built files): asks
   the preview server every 700 ms which build is the latest; reloads the page when a newer build
   succeeds, and shows a failed build's problems over the page, which stays as last built. */
(function () {
  "use strict";
  var script = document.currentScript;
  var served = Number(script && script.getAttribute("data-stamp"));   // the build the page is from
  var shown = null;
  var panel = null;

  function show(state) {
    if (panel) { panel.remove(); panel = null; }
    if (state.ok && !state.warnings.length) { return; }
    panel = document.createElement("section");
    panel.id = "ohwb-preview";
    panel.setAttribute("role", state.ok ? "status" : "alert");
    panel.setAttribute("aria-label", "Preview");
    var failed = !state.ok;
    var style = "position:fixed;left:0;right:0;bottom:0;z-index:1000;max-height:50vh;overflow:auto;margin:0;" +
      "padding:0.75rem 1rem;font:1rem/1.4 sans-serif;color:#212B32;border-top:4px solid " +
      (failed ? "#D5281B;background:#FFF4F2" : "#FFB81C;background:#FFFBEA");
    panel.setAttribute("style", style);
    // problems open, under a heading; warnings folded away under a line that says how many
    var items = failed ? state.problems : state.warnings;
    var holder = failed ? panel : document.createElement("details");
    var heading = document.createElement(failed ? "h2" : "summary");
    heading.setAttribute("style", "margin:0;font-size:1.125rem;font-weight:bold;color:#212B32;cursor:pointer");
    heading.textContent = failed
      ? "The last build failed (" + items.length + " problem" + (items.length === 1 ? "" : "s") + "): this page is the last good build"
      : items.length + " warning" + (items.length === 1 ? "" : "s") + " in the last build";
    holder.appendChild(heading);
    if (!failed) { panel.appendChild(holder); }
    var list = document.createElement("ul");
    list.setAttribute("style", "margin:0.5rem 0 0 0;padding-left:1.25rem");
    items.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    holder.appendChild(list);
    document.body.appendChild(panel);
  }

  function poll() {
    fetch("/__preview/status.json", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (!state.building) {
        if (state.stamp !== served && state.ok) {
          window.location.reload();
          return;
        }
        if (state.stamp !== shown) { show(state); }
        shown = state.stamp;
      }
      window.setTimeout(poll, 700);
    }).catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
}());
