// aftersale portal: a select marked data-autosubmit submits its form when changed (the language
// menu); an attribute rather than an inline handler, which the Content-Security-Policy forbids.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
