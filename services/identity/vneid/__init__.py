"""Sign-in with the national e-ID (VNeID): the OpenID Connect client and the accounts."""
