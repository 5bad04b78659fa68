// aftersale knowledge: "insert" on a suggested reply script puts its text into the reply box at the cursor.
(function () {
  "use strict";
  if (window.aftersaleKnowledge) { return; }
  window.aftersaleKnowledge = true;

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) { return; }
    var box = document.getElementById("reply-body");
    var item = button.closest("[data-kb-script]");
    if (!box || !item) { return; }
    var text = item.querySelector("[data-kb-text]").textContent;
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    if (document.activeElement !== box) { start = end = box.value.length; }
    var before = box.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    box.value = before + glue + text + box.value.slice(end);
    var caret = (before + glue + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
