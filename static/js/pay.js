// The payment page: the card typed into Stripe.js (a SetupIntent per try), Alipay and WeChat
// Pay where offered, and the 3-D Secure step (confirmCardPayment). No inline script.
(function () {
  "use strict";
  if (typeof Stripe === "undefined") {
    return;
  }

  // The fake payment server's card element (demo and tests) is plain inputs whose placeholders
  // are its field names (number, exp_month, ...): name them in the page's language. Stripe's
  // own element is an iframe that follows the `locale` given to Stripe().
  function labelFields(form) {
    var labels = JSON.parse(form.dataset.fieldLabels || "{}");
    // its own English caption ("localstripe: ") read as an internal name on a Chinese page;
    // the page's fieldset legend already names the card
    document.querySelectorAll("#card-element > span").forEach(function (caption) {
      caption.hidden = true;
    });
    document.querySelectorAll("#card-element input").forEach(function (input) {
      var field = input.dataset.field || input.getAttribute("placeholder");
      if (!labels[field]) {
        return;
      }
      input.dataset.field = field;
      input.placeholder = labels[field];
      input.setAttribute("aria-label", labels[field]);
      input.setAttribute("inputmode", "numeric");
    });
  }

  // The fake server's plain inputs take digits only, read as they are typed: a card typed in
  // groups as the page shows it (4242 4242 4242 4242), or in full-width digits, was refused.
  // Listening while the event goes down to the input, this cleans it before they read it.
  // (Stripe's own element is an iframe with no inputs here, and reads such input itself.)
  function plainDigits(event) {
    var input = event.target;
    var plain = input.value
      .replace(/[\uFF10-\uFF19]/g, function (d) {
        return String.fromCharCode(d.charCodeAt(0) - 0xfee0);
      })
      .replace(/[\s-]/g, "");
    if (plain !== input.value) {
      input.value = plain;
    }
  }

  // A card left empty, or half typed, was answered "Payment did not go through; please try
  // again", which does not say what to do. Stripe's own element reports it as a validation
  // error (incomplete_number, ...); the fake server's plain inputs are checked before sending.
  function incompleteCard(error) {
    return error.type === "validation_error" || /^incomplete/.test(error.code || "");
  }

  function blankCardFields() {
    var required = document.querySelectorAll(
      "#card-element input[data-field]:not([data-field=postal_code])"
    );
    return Array.prototype.some.call(required, function (input) {
      return !input.value.trim();
    });
  }

  function cardForm(form) {
    var stripe = Stripe(form.dataset.key, { locale: form.dataset.locale || "auto" });
    var card = stripe.elements().create("card", { hidePostalCode: true });
    card.mount("#card-element");
    labelFields(form);
    document.getElementById("card-element").addEventListener("input", plainDigits, true);
    var errors = document.getElementById("card-errors");
    var button = form.querySelector("button[type=submit]");

    function fail(message) {
      errors.textContent = message;
      errors.hidden = false;
      button.disabled = false;
      form.elements.method.value = "";
    }

    form.addEventListener("submit", function (event) {
      if (form.elements.method.value) {
        return; // the card is set up: the server confirms the payment
      }
      event.preventDefault();
      if (blankCardFields()) {
        fail(form.dataset.incomplete); // said plainly, before any payment is set up
        return;
      }
      button.disabled = true;
      errors.hidden = true;
      fetch(form.dataset.setupUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": form.elements.csrf_token.value, Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok && body.reload) {
              // paid or cancelled since the page was shown (in another tab): the page says which
              window.location.assign(body.reload);
              return { reloading: true };
            }
            if (!response.ok || !body.client_secret) {
              throw new Error(body.error || form.dataset.failed);
            }
            return stripe.confirmCardSetup(body.client_secret, { payment_method: { card: card } });
          });
        })
        .then(function (result) {
          if (result.reloading) {
            return;
          }
          if (result.error) {
            var declined = result.error.code === "card_declined" || result.error.decline_code;
            fail(
              declined
                ? form.dataset.declined
                : incompleteCard(result.error)
                  ? form.dataset.incomplete
                  : form.dataset.failed
            );
            return;
          }
          form.elements.method.value = result.setupIntent.payment_method;
          form.submit();
        })
        .catch(function (err) {
          fail((err && err.message) || form.dataset.failed);
        });
    });
  }

  function wallets(section) {
    var stripe = Stripe(section.dataset.key);
    section.addEventListener("click", function (event) {
      var wallet = event.target.getAttribute("data-wallet");
      var secret = section.dataset.secret;
      var done = function () {
        window.location.assign(section.dataset.return);
      };
      if (wallet === "alipay") {
        stripe.confirmAlipayPayment(secret, { return_url: section.dataset.return });
      } else if (wallet === "wechat_pay") {
        stripe
          .confirmWechatPayPayment(secret, {
            payment_method_options: { wechat_pay: { client: "web" } },
          })
          .then(done);
      }
    });
  }

  function secure(button) {
    var stripe = Stripe(button.dataset.key);
    button.addEventListener("click", function () {
      button.disabled = true;
      stripe.confirmCardPayment(button.dataset.secret).then(function () {
        window.location.assign(button.dataset.return); // the server asks Stripe how it went
      });
    });
  }

  var form = document.getElementById("pay-form");
  if (form) {
    cardForm(form);
  }
  var section = document.getElementById("wallets");
  if (section) {
    wallets(section);
  }
  var button = document.getElementById("confirm-3ds");
  if (button) {
    secure(button);
  }
})();
