"""Load-test data: teams with one supervisor each, and learners with enrollments, progress, quiz attempts,
certificates in every state, CE hours and program assignments, around the demo course and program.

Run ``python -m bench.load_data --learners 10000 --teams 200`` with settings that allow demo content
(``cms.settings.dev``, the default here); ``bench/status_report.py`` and ``bench/load_test.py`` build
their data sets with it (``bench.databases.data_set_load``). Refused under production settings.
"""
