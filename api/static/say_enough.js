// x-minText in the browser: a text field must say enough, counted per script
// (engine/workflow/say_enough.py does the same on the server, which decides).
(function () {
  "use strict";
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}]/gu;
  var ALNUM = /[\p{L}\p{N}]/gu;

  function enough(text, cjk, latin) {
    var wide = (text.match(CJK) || []).length;
    var narrow = (text.replace(CJK, "").match(ALNUM) || []).length;
    return wide * latin + narrow * cjk >= cjk * latin;
  }

  function check(field) {
    var text = field.value.trim();
    var ok = !text || enough(text, Number(field.dataset.minCjk), Number(field.dataset.minLatin));
    field.setCustomValidity(ok ? "" : field.dataset.minMessage);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-min-cjk]").forEach(function (field) {
      check(field);
      field.addEventListener("input", function () { check(field); });
    });
  });
})();
