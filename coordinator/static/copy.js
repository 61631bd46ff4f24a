// Progressive enhancement: a Copy button beside each feed address (the address can
// always be selected and copied by hand without JavaScript).
document.querySelectorAll("button.copy").forEach(function (button) {
  if (!navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.setAttribute("aria-live", "polite");
      button.textContent = "✓";
    });
  });
});
