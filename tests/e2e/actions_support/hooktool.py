"""Test double for Juju's action hook tools (action-set, action-fail, action-log, action-get).

Installed under each tool's name with this interpreter as its shebang. Appends
``{"tool": NAME, "args": [...]}`` as one JSON line to the file named by $HOOKTOOL_LOG, and checks
argv the way Juju does where a mistake would otherwise go unnoticed (action-set keys).
"""

import json
import os
import re
import sys

# jujuc action-set: keys are lowercase letters, digits and '-', starting and ending with a letter
# or digit, joined by '.' for nesting; a few keys are reserved for the command output.
KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
RESERVED = {"stdout", "stdout-encoding", "stderr", "stderr-encoding"}


def main() -> int:
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    with open(os.environ["HOOKTOOL_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"tool": tool, "args": args}) + "\n")
    if tool == "action-set":
        if not args:
            print("ERROR no action results specified", file=sys.stderr)
            return 2
        for arg in args:
            key, sep, _ = arg.partition("=")
            if not sep or not KEY.match(key) or key in RESERVED:
                print(f"ERROR invalid action-set argument {arg[:40]!r}", file=sys.stderr)
                return 2
    elif tool == "action-fail":
        if len(args) > 1:
            print(f"ERROR unrecognized args: {args[1:]!r}", file=sys.stderr)
            return 2
    elif tool == "action-get":
        print(json.dumps(json.loads(os.environ.get("HOOKTOOL_ACTION_PARAMS", "{}"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
