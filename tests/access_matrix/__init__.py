"""The access-control matrix: every URL pattern classified, and who gets what from each of the project's pages.

``urls`` walks the URLconf, ``classification`` says who each pattern is for, ``world`` builds the people and
records the probes need, and ``matrix`` holds the expected outcome per page and person.
``tests/test_access_matrix.py`` runs them.
"""
