"""The parts of the ``kubernetes`` client the charm uses, imported without the rest.

The charm makes one kind of request (list the application's pods) and reads the answer as
JSON. It uses the client's ``Configuration``, its in-cluster credentials loader and its REST
layer (urllib3, TLS, bearer token, timeouts), but not the generated API and model classes:
``kubernetes/__init__.py`` and ``kubernetes/client/__init__.py`` import all of them, about 800
modules, which takes 0.6 s of CPU on the operator pod's Python 3.8, most of a hook.

``client_modules()`` therefore registers the three packages (``kubernetes``,
``kubernetes.client``, ``kubernetes.config``) as placeholders that know their directory but
have not run their ``__init__``, and imports the four modules it needs from them (the REST
layer brings in the client's exceptions). A placeholder completes itself (runs the package's
own ``__init__``) the first time anything else is asked of it, so code that later does
``import kubernetes`` and uses the whole client (the tests, the kubeconfig loader) gets the
real package. ``tests/unit/adapters`` checks both,
against the version pinned in ``requirements.txt``.
"""

import importlib
import importlib.util
import sys
import types
from importlib.machinery import ModuleSpec
from typing import Any, Dict, List, NamedTuple

PACKAGE = "kubernetes"
PARTS = ("kubernetes", "kubernetes.client", "kubernetes.config")


class ClientModules(NamedTuple):
    configuration: Any  # kubernetes.client.configuration
    rest: Any  # kubernetes.client.rest
    incluster_config: Any  # kubernetes.config.incluster_config
    config_exception: Any  # kubernetes.config.config_exception


def client_modules() -> ClientModules:
    """The client modules the charm uses, importing as little else as the package allows."""
    if PACKAGE not in sys.modules:
        _register_placeholders()
    configuration = importlib.import_module("kubernetes.client.configuration")
    client = sys.modules["kubernetes.client"]
    if getattr(client, "__complete__", True) is False:
        # incluster_config does `from kubernetes.client import Configuration`.
        client.__dict__.setdefault("Configuration", configuration.Configuration)
    return ClientModules(
        configuration=configuration,
        rest=importlib.import_module("kubernetes.client.rest"),
        incluster_config=importlib.import_module("kubernetes.config.incluster_config"),
        config_exception=importlib.import_module("kubernetes.config.config_exception"),
    )


def _register_placeholders() -> None:
    spec = importlib.util.find_spec(PACKAGE)  # finds it; does not run its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"no module named {PACKAGE!r}")
    root = next(iter(spec.submodule_search_locations))
    for name in PARTS:
        directory = root if name == PACKAGE else f"{root}/{name.rpartition('.')[2]}"
        sys.modules[name] = _placeholder(name, directory)
    for name in PARTS[1:]:  # `kubernetes.client` is an attribute of `kubernetes`, as after an import
        setattr(sys.modules[PACKAGE], name.rpartition(".")[2], sys.modules[name])


def _placeholder(name: str, directory: str) -> types.ModuleType:
    module = types.ModuleType(name)
    real = importlib.util.spec_from_file_location(name, f"{directory}/__init__.py",
                                                  submodule_search_locations=[directory])
    if real is None or real.loader is None:
        raise ImportError(f"cannot find {name}")
    module.__spec__ = real
    module.__path__ = [directory]
    module.__file__ = real.origin
    module.__package__ = name
    module.__loader__ = real.loader
    module.__dict__["__complete__"] = False

    def complete(attribute: str) -> Any:
        """PEP 562: called only for a name the placeholder lacks; runs the real ``__init__``."""
        if module.__dict__.get("__complete__") is not False:
            raise AttributeError(attribute)
        module.__dict__["__complete__"] = True
        del module.__dict__["__getattr__"]
        _run_init(module, real)
        return getattr(module, attribute)

    module.__dict__["__getattr__"] = complete
    return module


def _run_init(module: types.ModuleType, spec: ModuleSpec) -> None:
    assert spec.loader is not None
    spec.loader.exec_module(module)


def list_json(rest: Any, configuration: Any, path: str, query: Dict[str, str], timeout: float) -> Any:
    """``GET path?query`` through ``rest`` (the client's ``RESTClientObject`` for
    ``configuration``); the answer as JSON.

    Raises what the client raises: ``ApiException`` for an HTTP error status (and for TLS
    failures, with status 0), urllib3's errors for connections, ``ValueError`` for an answer
    that is not JSON.
    """
    import json

    headers = {"Accept": "application/json"}
    auth = configuration.auth_settings().get("BearerToken")  # refreshes the token when due
    if auth and auth.get("value"):
        headers["Authorization"] = auth["value"]
    answer = rest.GET(configuration.host + path, headers=headers,
                      query_params=list(query.items()), _request_timeout=(timeout, timeout))
    return json.loads(answer.data)


def items(answer: Any) -> List[Any]:
    """The ``items`` of a list answer; ValueError when it is not one."""
    if not isinstance(answer, dict) or not isinstance(answer.get("items", []), (list, type(None))):
        raise ValueError("not a list answer")
    return list(answer.get("items") or [])
