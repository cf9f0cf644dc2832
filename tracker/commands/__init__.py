"""Commands of the `tracker` CLI that live in their own modules; cli.py adds them to the group.

Each module defines one click command over a library call, with the options of cli.py
(`project_option`, `user_errors`) and a docstring that ends with an example.
"""
