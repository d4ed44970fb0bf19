"""In-app notifications and their e-mail: one row a message, created once under a unique key (a
reminder is never made twice), shown in the header's counter and the list page, and mailed by the
job worker in batches with retry (``delivery``). Editable Vietnamese templates (``templates``)."""
