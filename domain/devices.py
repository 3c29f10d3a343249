"""A short, human description of a device from its User-Agent, for the list of
signed-in sessions ("Chrome trên Android"). Nothing more is kept of it: the
full string identifies a phone far better than the citizen needs."""

# Order matters: many browsers also announce "Chrome" or "Safari".
_BROWSERS = (
    ("Zalo", "Zalo"),
    ("CocCoc", "Cốc Cốc"),
    ("coc_coc", "Cốc Cốc"),
    ("FBAN", "Facebook"),
    ("FBAV", "Facebook"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Chromium", "Chromium"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "máy Mac"),
    ("Macintosh", "máy Mac"),
    ("CrOS", "Chromebook"),
    ("Linux", "Linux"),
)
UNKNOWN = "Thiết bị không rõ"


def describe_device(user_agent: str | None) -> str:
    agent = (user_agent or "")[:512]
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} trên {system}"
    return browser or system or UNKNOWN
