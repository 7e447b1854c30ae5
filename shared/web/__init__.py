"""The pages' shared part: one look (templates, stylesheet), one session behind the front door.

- `sessions`: the session cookie (set by the notifier at sign-in) and the forms' CSRF tokens;
- `door`: who is signed in, as the front door (nginx `auth_request`) asserts it to every service;
- `pages`: Jinja2 templates that extend `spie/base.html`, and the `/commun` assets.
"""
