"""pytest plugin: select and prepare Odoo test cases as Odoo's own runner does.

- Odoo's loader (``odoo.tests.loader.get_module_test_cases``) runs only the
  test classes defined in a test module, not those it imports (helpdesk_mgmt's
  test_js imports web's whole ``WebSuite``), and only the test methods a class
  defines itself, unless it sets ``allow_inherited_tests_method``.
- Odoo's tag selector gives every test case ``_test_params``, which the web
  JS suites read.
- pytest-odoo imports ``odoo.tests`` while Odoo's ``test_enable`` is off (it
  turns it on per test module only, so that loading the registry runs no
  test), and ``odoo/tests/common.py`` logs an ERROR with a stack when imported
  outside test mode. The framework is imported here first, in test mode.
"""

import inspect

import pytest


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    # Runs before pytest-odoo's own wrapper, which imports odoo.tests.
    from odoo.tools import config as odoo_config

    test_enable = odoo_config["test_enable"]
    odoo_config["test_enable"] = True
    try:
        import odoo.tests  # noqa: F401
    finally:
        odoo_config["test_enable"] = test_enable
    yield


def _is_odoo_test(item, cls, module):
    if cls.__module__ != module.__name__:
        return False
    method_name = getattr(item, "originalname", None) or item.name
    return method_name in vars(cls) or getattr(
        cls, "allow_inherited_tests_method", False
    )


def pytest_collection_modifyitems(session, config, items):
    selected, deselected = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        module = getattr(item, "module", None)
        if (
            cls is not None
            and module is not None
            and not _is_odoo_test(item, cls, module)
        ):
            deselected.append(item)
            continue
        if inspect.isclass(cls) and not hasattr(cls, "_test_params"):
            cls._test_params = []
        selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
