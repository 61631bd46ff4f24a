// Progressive enhancement: a time-zone picker the page marks with data-detect-zone (a form
// with no zone chosen yet) starts at the browser's own zone when the list offers it.
// Without JavaScript the picker keeps the page's choice; nothing is sent until submitted.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) { return; }
  // Browsers give ICU's ids, some of them older aliases of the IANA ones the list uses
  // ("America/Buenos_Aires" for "America/Argentina/Buenos_Aires"): the city decides then.
  var city = "/" + zone.split("/").pop();
  document.querySelectorAll("select[data-detect-zone]").forEach(function (select) {
    var found = -1;
    for (var i = 0; i < select.options.length; i++) {
      var value = select.options[i].value;
      if (value === zone) { found = i; break; }
      if (found < 0 && value.slice(-city.length) === city) { found = i; }
    }
    if (found >= 0) { select.selectedIndex = found; }
    select.removeAttribute("data-detect-zone");
  });
})();
