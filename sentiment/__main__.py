import sys

if sys.argv[1:2] == ["data"]:
    # Getting the data needs only the standard library: answer at once (offline too), without loading torch.
    from .download import main as data_main

    sys.exit(data_main(sys.argv[1:]))

from .cli import main  # noqa: E402

sys.exit(main())
