"""SCORM 1.2, SCORM 2004 and cmi5 packages as course items (``ItemKind.PACKAGE``).

``checks`` refuses a bad zip before anything is written; ``services`` stores and records;
``views`` plays a package (scorm-again in the course page, the content in a sandboxed frame) and
takes the runtime's commits; ``cmi5`` is the small LRS a cmi5 AU talks to; ``manage`` the upload.
"""
