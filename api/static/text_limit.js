// A text box with a character limit counts what is typed against it, and says so when a paste
// was longer than the limit (the browser keeps only the start of it). The words come from the
// page, in the reader's language; without this file the limit is still written under the box.
for (const note of document.querySelectorAll("[data-limit-for]")) {
  const box = document.getElementById(note.dataset.limitFor);
  const limit = Number(box?.getAttribute("maxlength"));
  if (!box || !limit) continue;
  const counter = document.createElement("span");
  counter.className = "text-limit-count";
  counter.setAttribute("aria-live", "polite");
  const warning = document.createElement("span");
  warning.className = "text-limit-cut";
  warning.setAttribute("role", "alert");
  warning.hidden = true;
  note.append(" ", counter, " ", warning);
  const count = () => {
    counter.textContent = note.dataset.counter.replace("{count}", String(box.value.length));
    counter.classList.toggle("text-limit-full", box.value.length >= limit);
  };
  box.addEventListener("input", count);
  box.addEventListener("paste", (event) => {
    const pasted = event.clipboardData?.getData("text") ?? "";
    const selected = box.selectionEnd - box.selectionStart;
    warning.hidden = box.value.length - selected + pasted.length <= limit;
    if (!warning.hidden) warning.textContent = note.dataset.cut;
  });
  count();
}
