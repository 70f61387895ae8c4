"""The generated families: the table (``spec``), the generator's runtime adapters
(``factories``, ``layers``, ``applications``) and hand-written family members
(``checkpoint``, ``csv_logger``, ``legacy_layers``)."""
