"""Stripe.js as the sandbox serves it: a stand-in for `https://js.stripe.com/v3/`, and the 3-D Secure test
page it shows when an intent needs authentication.

A page loads Stripe.js from Stripe in production and from here with the sandbox, with the same code: the
stand-in (`static/stripe-v3.js`) implements the part of Stripe.js's API a card form needs and sends the
requests Stripe.js sends, with the publishable key, to the origin it was loaded from. Like Stripe's test
mode, authentication happens in a frame offering "Complete" and "Fail"; its answer is the
`/_sandbox/authenticate` knob's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request

STRIPE_JS_PATH = "/v3/"
_SCRIPT = Path(__file__).parent / "static" / "stripe-v3.js"

# The frame's page: it reports the outcome to the knob, then tells Stripe.js in the parent page.
_AUTHENTICATION_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>3D Secure test authentication</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:24px;color:#1a1f36;text-align:center}
h1{font-size:18px;margin:0 0 8px}p{color:#556;margin:0 0 20px}
button{font:inherit;padding:10px 22px;margin:0 6px;border-radius:6px;border:1px solid #ccd;background:#fff}
button.complete{background:#635bff;border-color:#635bff;color:#fff}
</style></head>
<body><h1>3D Secure test authentication</h1>
<p>This test page stands in for the cardholder's bank. Complete or fail the authentication.</p>
<button type="button" class="complete" data-outcome="complete">Complete</button>
<button type="button" class="fail" data-outcome="fail">Fail</button>
<script>
const intent = new URLSearchParams(location.search).get('intent');
for (const button of document.querySelectorAll('button')) {
  button.addEventListener('click', async () => {
    for (const each of document.querySelectorAll('button')) each.disabled = true;
    const outcome = button.dataset.outcome;
    await fetch('/_sandbox/authenticate', {method: 'POST', body: JSON.stringify({intent, outcome})});
    parent.postMessage({type: 'stripe-sandbox-3ds', intent, outcome}, '*');
  });
}
</script></body></html>
"""


async def _script(_request: Request) -> Response:
    return Response(
        _SCRIPT.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


async def _authentication_page(_request: Request) -> HTMLResponse:
    return HTMLResponse(_AUTHENTICATION_PAGE, headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [
        Route(STRIPE_JS_PATH, _script, methods=["GET"]),
        Route("/_sandbox/authenticate", _authentication_page, methods=["GET"]),
    ]
