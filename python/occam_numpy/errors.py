"""The one error this package raises on bad files or a model that does not fit a dataset."""


class OccamFormatError(ValueError):
    """A file, field or value that does not hold what occam writes; the message says where and what to do."""
