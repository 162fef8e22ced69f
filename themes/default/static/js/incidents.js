// Filters of the incident index (/incidents/): hides rows whose data-*
// attributes do not match the selected severity, service, year and review
// status. Everything runs in the page: no server, no inline script. Without
// JavaScript the form stays hidden and the full list is shown. The query
// string (?severity=1&review=pending) preselects filters, so links can
// point at a filtered list.
(function () {
  "use strict";
  var form = document.getElementById("incident-filters");
  if (!form) {
    return;
  }
  var fields = ["severity", "service", "year", "review"];
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.incident-row"));
  var years = Array.prototype.slice.call(document.querySelectorAll("section.year"));
  var status = form.querySelector(".filter-status");

  function matches(row, want) {
    if (want.severity && row.dataset.severity !== want.severity) return false;
    if (want.year && row.dataset.year !== want.year) return false;
    if (want.review && row.dataset.review !== want.review) return false;
    if (want.service && (" " + row.dataset.services + " ").indexOf(" " + want.service + " ") < 0) return false;
    return true;
  }

  function apply() {
    var want = {};
    var active = false;
    fields.forEach(function (name) {
      want[name] = form.elements[name].value;
      active = active || want[name] !== "";
    });
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, want);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    years.forEach(function (section) {
      section.hidden = !section.querySelector("tr.incident-row:not([hidden])");
    });
    status.textContent = active
      ? shown + " of " + rows.length + " incidents shown"
      : "";
  }

  var params = new URLSearchParams(window.location.search);
  fields.forEach(function (name) {
    var value = params.get(name);
    var select = form.elements[name];
    if (value !== null && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  });
  form.addEventListener("change", apply);
  // "Show all": the reset lands after this event, so apply afterwards.
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.hidden = false;
  apply();
})();
