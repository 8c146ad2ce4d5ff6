# ruff: noqa: E501  (the HTML template reads better unwrapped)
"""The answer to an access request (Art. 15 GDPR) as a readable PDF: what Förderbuch holds about a person.

It renders the plain data ``foerderbuch.privacy.access.report`` gathered (the JSON beside it is the
machine-readable copy, Art. 20) with WeasyPrint; every value is escaped.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

_TEMPLATE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Auskunft nach Art. 15 DSGVO</title>
<style>
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: "Seite " counter(page) " von " counter(pages); font-size: 8pt; } }
body { font-family: sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 15pt; } h2 { font-size: 11.5pt; margin-top: 14pt; border-bottom: 1px solid #888; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; font-size: 8.5pt; }
th { background: #eee; } .klein { color: #555; font-size: 8pt; }
</style></head><body>
<h1>Auskunft über gespeicherte personenbezogene Daten (Art. 15 DSGVO)</h1>
<p>Stadt Dortmund, Büro für Internationale Beziehungen — Förderbuch<br>
Erstellt am {{ r.made_at }} · angefragt für »{{ r.asked_for }}«</p>
<p>E-Mail-Adressen: {{ r.emails | join(", ") or "—" }}<br>Benutzerkennungen: {{ r.user_ids | join(", ") or "—" }}</p>

<h2>1. Angaben zur Person im Protokoll</h2>
<table><tr><th>Position</th><th>Eintrag</th><th>Inhalt</th><th>gespeichert</th></tr>
{% for x in r.records %}<tr><td>{{ x.position }}</td><td>{{ x.what }}</td>
<td>{% for k, v in x.fields.items() %}{{ k }}: {{ v }}<br>{% endfor %}</td><td>{{ x.stored }}</td></tr>{% endfor %}
</table>

<h2>2. Benutzerkonten</h2>
{% for a in r.accounts %}
<p><b>{{ a.display_name }}</b> ({{ a.email }}) · Kennung {{ a.user_id }} · {{ "gesperrt" if a.disabled else "aktiv" }}
· zweiter Faktor: {{ "ja" if a.second_factor else "nein" }}</p>
<p>Rollen: {% for g in a.roles %}{{ g.role }}{% if g.organisation_id %} (Organisation {{ g.organisation_id }}){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}</p>
<table><tr><th>Version</th><th>Ereignis</th><th>Zeitpunkt</th><th>Begründung</th></tr>
{% for h in a.history %}<tr><td>{{ h.version }}</td><td>{{ h.event }}</td><td>{{ h.timestamp }}</td><td>{{ h.reason or "" }}</td></tr>{% endfor %}
</table>
{% else %}<p>Kein Benutzerkonto.</p>{% endfor %}

<h2>3. Was die Person im Förderbuch getan hat</h2>
<table><tr><th>Position</th><th>Vorgang</th><th>Datum</th><th>Rolle</th><th>Text und Dateien</th></tr>
{% for x in r.actions %}<tr><td>{{ x.position }}</td><td>{{ x.what }}<br><span class="klein">{{ x.aggregate }} {{ x.aggregate_id }}</span></td>
<td>{{ x.on or x.recorded_at }}</td><td>{{ x.role }}</td>
<td>{% for f in ("text", "note", "message", "reason") %}{% if x[f] %}{{ x[f] }}<br>{% endif %}{% endfor %}
{% for d in x.documents or [] %}Datei »{{ d.name }}« ({{ d.size }} Bytes, SHA-256 {{ d.sha256[:16] }}…)<br>{% endfor %}</td></tr>
{% else %}<tr><td colspan="5">Keine.</td></tr>{% endfor %}
</table>

<h2>4. Schreiben, die die Person nennen</h2>
<p>{% for s in r.letters %}SHA-256 {{ s }}<br>{% else %}Keine.{% endfor %}</p>

<h2>5. Zugangsdaten außerhalb des Protokolls</h2>
{% set a = r.account_records %}
<p>Passwort gesetzt: {% for p in a.password or [] %}{{ p.changed_at }} {% else %}nein{% endfor %}<br>
Zweiter Faktor: {% for s in a.second_factor or [] %}eingerichtet {{ s.confirmed_at or "(unbestätigt)" }} {% else %}nein{% endfor %}</p>
<table><tr><th>API-Token</th><th>Rolle</th><th>Bezeichnung</th><th>erstellt</th><th>widerrufen</th></tr>
{% for t in a.api_tokens or [] %}<tr><td>{{ t.token_id }}</td><td>{{ t.role }}</td><td>{{ t.label }}</td><td>{{ t.created_at }}</td><td>{{ t.revoked_at or "" }}</td></tr>
{% else %}<tr><td colspan="5">Keine.</td></tr>{% endfor %}</table>
<table><tr><th>Sitzung seit</th><th>zuletzt</th><th>Adresse</th><th>Browser</th><th>beendet</th></tr>
{% for s in a.sessions or [] %}<tr><td>{{ s.created_at }}</td><td>{{ s.last_seen_at }}</td><td>{{ s.address }}</td><td>{{ s.user_agent }}</td><td>{{ s.ended_at or "" }} {{ s.ended_why or "" }}</td></tr>
{% else %}<tr><td colspan="5">Keine.</td></tr>{% endfor %}</table>
<p>Einladungen: {{ (a.invitations or []) | length }} · unbestätigte Zugangsanträge: {{ (a.pending_account_requests or []) | length }}
· E-Mail-Benachrichtigungen abbestellt: {{ "ja" if a.mail_off else "nein" }}
· Sprache der E-Mails: {% for l in a.language or [] %}{{ l.language }} (seit {{ l.changed_at }}) {% else %}keine gewählt{% endfor %}</p>
<p class="klein">Zweck und Rechtsgrundlage der Verarbeitung, Empfänger und Speicherdauer beschreibt das Verzeichnis der
Verarbeitungstätigkeiten (PRIVACY.md). Eine maschinenlesbare Fassung dieser Auskunft (JSON) liegt bei.</p>
</body></html>"""


def html(data: dict[str, Any]) -> str:
    environment = Environment(autoescape=True)
    return environment.from_string(_TEMPLATE).render(r=data)


def pdf(data: dict[str, Any]) -> bytes:
    """The report as PDF (WeasyPrint, imported here so the rest runs without it)."""
    from weasyprint import HTML

    content: bytes = HTML(string=html(data)).write_pdf()
    return content
