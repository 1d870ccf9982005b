/* selfaudit report: filter findings by severity and rule. Inlined and pinned by hash in the CSP. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var shown = document.getElementById("shown");

  function apply() {
    var severities = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (box) {
      severities[box.value] = box.checked;
    });
    var rule = form.querySelector("select[name=rule]").value;
    var withSuppressed = form.querySelector("input[name=suppressed]").checked;
    var count = 0;
    findings.forEach(function (el) {
      var visible = severities[el.getAttribute("data-severity")] === true &&
        (rule === "" || el.getAttribute("data-rule") === rule) &&
        (withSuppressed || el.getAttribute("data-suppressed") !== "1");
      el.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = String(count);
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
  document.documentElement.setAttribute("data-js", "ready");
}());
