"""Drives esia-connector 0.16 against the lab's IdP, as an integration would (run in its own venv).

    python esia_connector_driver.py auth     SETTINGS_JSON             -> {"url": ...}
    python esia_connector_driver.py complete SETTINGS_JSON CODE STATE  -> {"oid", "person", "contacts", "documents"}

SETTINGS_JSON holds EsiaSettings' arguments. Only esia-connector's public API is used.
"""

import json
import sys

from esia_connector.client import EsiaAuth
from esia_connector.client import EsiaSettings


def main():
    command, settings_json = sys.argv[1], sys.argv[2]
    auth = EsiaAuth(EsiaSettings(**json.loads(settings_json)))
    if command == "auth":
        result = {"url": auth.get_auth_url()}
    elif command == "complete":
        info = auth.complete_authorization(sys.argv[3], sys.argv[4], validate_token=True)
        result = {
            "oid": info.oid,
            "person": info.get_person_main_info(),
            "contacts": info.get_person_contacts(),
            "documents": info.get_person_documents(),
        }
    else:
        raise SystemExit("unknown command " + command)
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
