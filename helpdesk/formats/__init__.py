"""Date and time formats that override Django's locale defaults (``FORMAT_MODULE_PATH``).

With localisation always on, ``DATETIME_FORMAT`` and friends in settings are ignored for a
language that ships its own formats, so the 24-hour clock is set here, per locale.
"""
