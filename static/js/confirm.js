// Ask before a form marked data-confirm="question" is submitted (no inline script needed).
// A form with a required field left empty is sent without asking: the page comes back
// with what to fill in, and nothing is done that the question would have asked about.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (!question || (form.checkValidity && !form.checkValidity())) {
    return;
  }
  if (!window.confirm(question)) {
    event.preventDefault();
  }
});
