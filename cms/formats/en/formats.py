"""The site's one way of writing dates and times (``FORMAT_MODULE_PATH`` in the settings).

Every page, email, PDF and export writes a date as "December 5, 2026" and a moment as
"December 5, 2026, 3:30 PM UTC", in the site's time zone (``TIME_ZONE``). Templates use
``{{ value|date }}`` and ``{{ value|date:"DATETIME_FORMAT" }}``; Python uses ``cms.dates``.
"""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i A T"
TIME_FORMAT = "g:i A"
# Tables and admin listings write dates the same way: one format for the site.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0
