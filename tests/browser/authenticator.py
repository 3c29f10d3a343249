"""Chromium's virtual authenticator (CDP WebAuthn domain): a phone's built-in
passkey with fingerprint unlock, for tests. Passkeys need a domain, never an
IP address, so these tests open the live server as http://localhost:<port>."""

from playwright.sync_api import Page

OPTIONS = {
    "protocol": "ctap2",
    "ctap2Version": "ctap2_1",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


class VirtualAuthenticator:
    def __init__(self, page: Page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable", {"enableUI": False})
        added = self.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": OPTIONS})
        self.id = added["authenticatorId"]

    def credentials(self) -> list[dict]:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]

    def respond_with(self, **bits):
        """E.g. isBogusSignature=True: the next answers carry a wrong signature."""
        self.cdp.send("WebAuthn.setResponseOverrideBits", {"authenticatorId": self.id, **bits})

    def put_back(self, credential: dict):
        """Replace the stored credential by an older copy of itself (a cloned key)."""
        self.cdp.send(
            "WebAuthn.removeCredential",
            {"authenticatorId": self.id, "credentialId": credential["credentialId"]},
        )
        self.cdp.send(
            "WebAuthn.addCredential", {"authenticatorId": self.id, "credential": credential}
        )


def passkey_page(browser, live_app, device: dict):
    """A page of a fresh context on http://localhost:<port>, with a virtual
    authenticator; for a fixture to `yield from`. A JavaScript error on the
    page fails the test."""
    context = browser.new_context(base_url=f"http://localhost:{live_app.live.port}", **device)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.authenticator = VirtualAuthenticator(page)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
