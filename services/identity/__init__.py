"""Who someone is: SMS codes, passkeys, officer passwords, server sessions."""
