"""British English with a 24-hour clock, so the admin reads "13:42" as the desk does.

Django's own en_GB formats say "1:42 p.m."; every format not named here still comes from them.
"""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
