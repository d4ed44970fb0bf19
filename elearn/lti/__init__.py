"""elearn as an LTI 1.3 tool: platforms registered by an administrator, the OIDC login and launch
(pylti1p3 checks the id_token), the tool's JWKS, and grades sent back with Assignment and Grade
Services. What a launch opens is registered by the domains above (``services.launch_target``)."""
