/* The application form adds up while you type: total costs, total funding, the difference and the own
   share, and shows the rules of the chosen programme. Amounts are counted in whole cents (no rounding
   drift). Without this script nothing is lost: the server makes the same checks when the form is sent. */
(function () {
  "use strict";
  var form = document.getElementById("antrag-formular");
  if (!form) { return; }

  function cents(text) {
    var t = (text || "").replace(/[\s€]/g, "");
    if (!t) { return 0; }
    if (!/^-?[0-9.]*(,[0-9]{0,2})?$/.test(t)) { return null; }
    var parts = t.replace(/\./g, "").split(",");
    var whole = parseInt(parts[0] || "0", 10);
    var frac = parts.length > 1 ? (parts[1] + "00").slice(0, 2) : "00";
    var sign = t.charAt(0) === "-" ? -1 : 1;
    return whole * 100 + sign * parseInt(frac, 10);
  }

  function euro(c) {
    var sign = c < 0 ? "-" : "";
    var a = Math.abs(c);
    var whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var frac = String(a % 100);
    return sign + whole + "," + (frac.length < 2 ? "0" + frac : frac) + " €";
  }

  function value(name) {
    var el = form.elements[name];
    return el ? cents(el.value) : 0;
  }

  function decimalCents(text) { /* "250.00" from the server */
    if (!text) { return null; }
    var p = text.split(".");
    return parseInt(p[0], 10) * 100 + parseInt(((p[1] || "") + "00").slice(0, 2), 10);
  }

  var out = {
    costs: document.getElementById("summe-kosten"),
    funding: document.getElementById("summe-finanzierung"),
    gap: document.getElementById("summe-differenz"),
    share: document.getElementById("summe-eigenanteil"),
    hint: document.getElementById("summe-hinweis")
  };

  function chosenRules() {
    var select = form.elements["programme_id"];
    var boxes = document.querySelectorAll(".programme-rules");
    var chosen = null;
    for (var i = 0; i < boxes.length; i++) {
      var mine = select && boxes[i].getAttribute("data-programme") === select.value;
      boxes[i].hidden = select && select.value !== "" && !mine;
      if (mine) { chosen = boxes[i]; }
    }
    return chosen;
  }

  function update() {
    var costs = 0, bad = false, n, c;
    for (n = 1; form.elements["line_" + n + "_amount"]; n++) {
      c = value("line_" + n + "_amount");
      if (c === null) { bad = true; } else { costs += c; }
    }
    var own = value("own_funds"), third = value("third_party_funds"), income = value("income"), grant = value("grant");
    [own, third, income, grant].forEach(function (x) { if (x === null) { bad = true; } });
    var rules = chosenRules();
    if (bad) {
      out.hint.textContent = "Ein Betrag ist nicht lesbar. Bitte so schreiben: 1.234,56";
      return;
    }
    var funding = own + third + income + grant;
    out.costs.textContent = euro(costs);
    out.funding.textContent = euro(funding);
    var gap = costs - funding;
    out.gap.textContent = gap === 0 ? "0,00 € – ausgeglichen" :
      (gap > 0 ? euro(gap) + " fehlen in der Finanzierung" : euro(-gap) + " zu viel in der Finanzierung");
    out.gap.parentNode.parentNode.className = "wide" + (gap === 0 ? "" : " off");
    var share = costs ? Math.round(own * 1000 / costs) / 10 : 0;
    out.share.textContent = costs ? String(share).replace(".", ",") + " %" : "–";
    var notes = [];
    if (rules) {
      var min = decimalCents(rules.getAttribute("data-min-grant"));
      var max = decimalCents(rules.getAttribute("data-max-grant"));
      var minShare = parseFloat(rules.getAttribute("data-min-own-share") || "0") * 100;
      if (grant && min !== null && grant < min) { notes.push("Das Programm fördert erst ab " + euro(min) + "."); }
      if (grant && max !== null && grant > max) { notes.push("Das Programm fördert höchstens " + euro(max) + "."); }
      if (costs && share < minShare && form.elements["financing_type"] && form.elements["financing_type"].value !== "full") {
        notes.push("Ihre Eigenmittel müssen mindestens " + String(minShare).replace(".", ",") + " % der Kosten sein.");
      }
    }
    out.hint.textContent = notes.join(" ");
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}());
