"""The ``winenet`` command: what a trained pipeline can do outside Snakemake."""

from __future__ import annotations

import argparse
import sys

from winenet.jobs.errors import WinenetError


def _predict(args: argparse.Namespace) -> int:
    from winenet.predict import predict_file

    table = predict_file(args.samples, args.model, id_column=args.id_column)
    if args.output is None:
        table.to_csv(sys.stdout, index=False)
    else:
        table.to_csv(args.output, index=False)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line: ``winenet predict ...``; ``winenet --help`` lists the commands."""
    main = argparse.ArgumentParser(
        prog="winenet",
        description="Tell the class (e.g. the producer of a wine) of new samples from their measurements, "
        "with models the winenet pipeline trained.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    predict = commands.add_parser(
        "predict",
        help="predict the class of every sample of a CSV with one or more trained models",
        description="Write one row per sample and model: the sample's row number (and id), the model, the "
        "predicted class under its original label, and one probability column per class.",
    )
    predict.add_argument(
        "samples", help="CSV with a header line naming every feature the model was trained on"
    )
    predict.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="DIR",
        help="a model folder the pipeline wrote, e.g. results/models/l1 (repeat for several)",
    )
    predict.add_argument(
        "--id-column", metavar="NAME", help="a column that names each sample, copied to the output"
    )
    predict.add_argument("-o", "--output", metavar="FILE", help="write the CSV here instead of printing it")
    predict.set_defaults(run=_predict)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run the command; an error the user can fix (bad samples, a broken model) is one message, exit 2."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except WinenetError as error:
        print(f"winenet {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
