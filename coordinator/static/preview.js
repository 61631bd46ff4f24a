// Progressive enhancement: the preview follows the form as it is edited. Without
// JavaScript the "Preview the dates" button shows the same table.
(function () {
  var form = document.getElementById("series-form");
  var target = document.getElementById("preview");
  if (!form || !target || !window.fetch) { return; }
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector("#preview");
        if (fresh) { target.replaceWith(fresh); target = fresh; }
      })
      .catch(function () {});
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
})();
