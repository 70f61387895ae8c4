"""The table of downloadable files: name, mirror URLs, pinned SHA-256 and size.

Sources and digests: ``shared/reference/datasets.md``. Every file is pinned by SHA-256 except the
UCI household power zip, for which no published digest exists: its size is pinned, the zip's own
CRC-32 is checked when the member is read, and the digest of the first verified download is
remembered in the cache sidecar (trust on first use).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["FILES", "RemoteFile", "get", "with_urls"]

_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_FASHION_MIRRORS = (
    _KERAS,
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
)


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file.

    ``name`` is the file name in the cache, ``subdir`` a folder inside the cache (Keras's
    ``cache_subdir`` minus the leading ``datasets``), ``urls`` the mirrors tried in order,
    ``sha256`` the pinned digest (``None`` = no published digest) and ``size`` the byte count.
    """

    name: str
    urls: tuple[str, ...]
    sha256: str | None
    size: int | None
    subdir: str = ""
    description: str = ""


def _mirrored(
    name: str, bases: tuple[str, ...], sha256: str, size: int, subdir: str, description: str
) -> RemoteFile:
    return RemoteFile(name, tuple(b + name for b in bases), sha256, size, subdir, description)


FILES: dict[str, RemoteFile] = {
    f.name if not f.subdir else f"{f.subdir}/{f.name}": f
    for f in [
        RemoteFile(
            "mnist.npz",
            (_KERAS + "mnist.npz", "https://s3.amazonaws.com/img-datasets/mnist.npz"),
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            11_490_434,
            description="MNIST as Keras ships it (x_train, y_train, x_test, y_test)",
        ),
        _mirrored(
            "train-images-idx3-ubyte.gz",
            _MNIST_MIRRORS,
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            9_912_422,
            "mnist",
            "MNIST training images (IDX)",
        ),
        _mirrored(
            "train-labels-idx1-ubyte.gz",
            _MNIST_MIRRORS,
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            28_881,
            "mnist",
            "MNIST training labels (IDX)",
        ),
        _mirrored(
            "t10k-images-idx3-ubyte.gz",
            _MNIST_MIRRORS,
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            1_648_877,
            "mnist",
            "MNIST test images (IDX)",
        ),
        _mirrored(
            "t10k-labels-idx1-ubyte.gz",
            _MNIST_MIRRORS,
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            4_542,
            "mnist",
            "MNIST test labels (IDX)",
        ),
        _mirrored(
            "train-images-idx3-ubyte.gz",
            _FASHION_MIRRORS,
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            26_421_880,
            "fashion-mnist",
            "Fashion-MNIST training images (IDX)",
        ),
        _mirrored(
            "train-labels-idx1-ubyte.gz",
            _FASHION_MIRRORS,
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            29_515,
            "fashion-mnist",
            "Fashion-MNIST training labels (IDX)",
        ),
        _mirrored(
            "t10k-images-idx3-ubyte.gz",
            _FASHION_MIRRORS,
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            4_422_102,
            "fashion-mnist",
            "Fashion-MNIST test images (IDX)",
        ),
        _mirrored(
            "t10k-labels-idx1-ubyte.gz",
            _FASHION_MIRRORS,
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            5_148,
            "fashion-mnist",
            "Fashion-MNIST test labels (IDX)",
        ),
        RemoteFile(
            "household_power_consumption.zip",
            (
                "https://archive.ics.uci.edu/static/public/235/"
                "individual+household+electric+power+consumption.zip",
                "https://archive.ics.uci.edu/ml/machine-learning-databases/00235/"
                "household_power_consumption.zip",
                "https://d396qusza40orc.cloudfront.net/exdata%2Fdata%2Fhousehold_power_consumption.zip",
            ),
            None,
            20_640_916,
            description="UCI individual household electric power consumption (dataset 235)",
        ),
        # IMDB and Reuters (shared/reference/wave2.md section 7.2). Keras pins the word-index
        # JSONs by MD5 only: data_loaders.imdb.WORD_INDEX_MD5 checks them after the download.
        RemoteFile(
            "imdb.npz",
            (_KERAS + "imdb.npz",),
            "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
            17_464_789,
            description="IMDB reviews as word-rank sequences (x_train, y_train, x_test, y_test)",
        ),
        RemoteFile(
            "imdb_word_index.json", (_KERAS + "imdb_word_index.json",), None, 1_641_221,
            description="IMDB word -> rank (MD5 bfafd718b763782e994055a2d397834f)",
        ),
        RemoteFile(
            "reuters.npz",
            (_KERAS + "reuters.npz",),
            "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
            2_110_848,
            description="Reuters newswires as word-rank sequences (x, y over 46 topics)",
        ),
        RemoteFile(
            "reuters_word_index.json", (_KERAS + "reuters_word_index.json",), None, 550_378,
            description="Reuters word -> rank (MD5 4d44cc38712099c9e383dc6e5f11a921)",
        ),
    ]
}


def get(key: str) -> RemoteFile:
    """Look up a registry entry by key (``"mnist.npz"``, ``"mnist/t10k-labels-idx1-ubyte.gz"``).

    R: (no equivalent)
    Python: ``get("mnist.npz").sha256``
    """
    try:
        return FILES[key]
    except KeyError:
        from .errors import DataValueError

        raise DataValueError(
            f"registry.get(): unknown file {key!r}; expected one of: {', '.join(FILES)}"
        ) from None


def with_urls(entry: RemoteFile, urls: tuple[str, ...] | list[str]) -> RemoteFile:
    """A copy of ``entry`` downloading from other URLs (a private mirror, a test server).

    R: (no equivalent)
    Python: ``fetch(with_urls(get("mnist.npz"), ["https://mirror.example/mnist.npz"]))``
    """
    return replace(entry, urls=tuple(urls))
