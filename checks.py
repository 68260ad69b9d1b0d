"""``python -m checks verify|smtp`` in a checkout (contract 3 of docs/architecture.md).

The checks live in ``components/checks/``, so that the package ships them: installed, they are
``ses_domains.checks`` and the ``ses-domains verify|smtp`` console script. This module only keeps
the checkout's command.
"""

from __future__ import annotations

from components.checks.__main__ import exit_process, main

if __name__ == "__main__":
    exit_process(main())
