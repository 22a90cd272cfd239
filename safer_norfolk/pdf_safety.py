"""Active content in PDFs: whatever runs script, starts a program, carries or opens another
file, sends data away or follows a link that is not a web, mail or phone address.

Papers are published as they are uploaded and merged into agenda packs, so an upload holding
any of it is refused (`validators.inspect_pdf`), and a paper stored before a kind was refused
loses it when it is merged into a pack (`without_active_content`). Both walk every object
reachable from the document's trailer and catalog rather than the places actions usually sit,
so content hidden in bookmarks, chained actions, name trees or form fields is found wherever a
reader would look for it.
"""

import enum
import io
import re
import unicodedata


class Active(enum.Enum):
    """A kind of active content, as the officer is told about it."""

    JAVASCRIPT = "JavaScript"
    LAUNCH = "an action that starts a program"
    ATTACHMENT = "an attached file"
    XFA = "an XFA form (a form that runs its own program)"
    OTHER_FILE = "a link that opens another file or a file attached to the PDF"
    SUBMIT = "a form that sends what is typed into it to another address"
    IMPORT = "an action that reads data in from another file"
    MEDIA = "embedded media or Flash content that plays by itself"
    SCRIPT_LINK = "a link that runs a script"
    FILE_LINK = "a link to a file on a computer or network drive"
    PROGRAM_LINK = "a link that opens a program rather than a web page, email or phone number"


ACTIONS = {
    "/JavaScript": Active.JAVASCRIPT,
    "/Launch": Active.LAUNCH,
    "/GoToR": Active.OTHER_FILE,
    "/GoToE": Active.OTHER_FILE,
    "/SubmitForm": Active.SUBMIT,
    "/ImportData": Active.IMPORT,
    "/Rendition": Active.MEDIA,
    "/RichMediaExecute": Active.MEDIA,
}
# Entries that hold script, files or a program of their own wherever they appear.
ACTIVE_ENTRIES = {
    "/JS": Active.JAVASCRIPT,
    "/JavaScript": Active.JAVASCRIPT,  # the document's named scripts
    "/OnInstantiate": Active.JAVASCRIPT,  # a 3D model's script
    "/EmbeddedFiles": Active.ATTACHMENT,
    "/EF": Active.ATTACHMENT,  # the file inside a file specification
    "/XFA": Active.XFA,
}
# Additional actions (on opening, closing, printing, focus, keystrokes…) and the document's
# open action are left out of packs whatever they do: no paper needs them to be read.
DROPPED_FROM_PACKS = {"/AA", "/OpenAction"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript", "data"}
# A URI's scheme: everything before its first ":", when that comes before any "/", "?" or "#".
SCHEME = re.compile(r"([^/?#:]*):")
# A paper has a few thousand objects; this many means a file built to exhaust the server.
MAX_OBJECTS = 500_000


class TooComplexToCheck(ValueError):
    """More objects than any paper has: the file is treated as unreadable."""


def active_content(reader):
    """The active content a PDF holds: each kind found, with the first address of the unsafe
    links of that kind ("" for other kinds). Raises on a file too damaged to walk."""
    from pypdf.generic import DictionaryObject

    found = {}
    for container in _containers(reader):
        if isinstance(container, DictionaryObject):
            for kind, address in _findings(container):
                found.setdefault(kind, address)
    return found


def without_active_content(data):
    """The PDF's bytes with all active content taken out: document and page actions, named
    scripts, attachments, XFA, and every annotation, bookmark action or chained action that is
    active. Ordinary web links and links within the document stay. Returns the same bytes when
    there is nothing to take out; raises when the file cannot be made inert."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data), strict=False)
    if not _strip(reader):
        return data
    # The copy holds only what is still reachable, so what was cut off is not written.
    writer = PdfWriter(clone_from=reader)
    output = io.BytesIO()
    writer.write(output)
    inert = output.getvalue()
    left = active_content(PdfReader(io.BytesIO(inert), strict=False))
    if left:
        raise ValueError(f"Active content remains: {', '.join(kind.name for kind in left)}")
    return inert


def link_danger(address):
    """The kind of unsafe link an address is, or None for a web, mail or phone address or a
    relative one. Readers skip control characters and spaces inside a scheme and ignore its
    case, so "java\\x00script:" and " JavaScript:" are read as the script links they are."""
    if isinstance(address, bytes):
        bom = address[:2] in (b"\xfe\xff", b"\xff\xfe")
        address = address.decode("utf-16" if bom else "latin-1", errors="replace")
    if not isinstance(address, str):
        return Active.PROGRAM_LINK  # a link that is not text: readers differ on what it opens
    compact = "".join(
        character
        for character in unicodedata.normalize("NFKC", address)
        if unicodedata.category(character)[0] not in "CZ"
    ).lower()
    if compact.replace("\\", "/").startswith("//"):
        return Active.FILE_LINK  # \\server\share or //server/share
    match = SCHEME.match(compact)
    if match is None:
        return None  # relative, such as www.norfolk.gov.uk
    scheme = match.group(1)
    if scheme in SAFE_SCHEMES:
        return None
    if scheme in SCRIPT_SCHEMES:
        return Active.SCRIPT_LINK
    if scheme == "file" or len(scheme) == 1:  # file: or a drive letter, C:\…
        return Active.FILE_LINK
    return Active.PROGRAM_LINK


def shown_address(address):
    """An address as it can be shown in a message: printable characters, not too long."""
    if isinstance(address, bytes):
        address = address.decode("latin-1")
    text = "".join(character if character.isprintable() else "·" for character in str(address))
    return text if len(text) <= 60 else text[:59] + "…"


def _containers(reader):
    """Every dictionary and array reachable from the trailer, each once, however the file's
    references loop. The caller may remove entries from a container before its contents are
    visited."""
    from pypdf.generic import ArrayObject, DictionaryObject

    # pypdf reads the pages from another catalog when the trailer's is not one: both are walked.
    stack, seen, visited = [reader.trailer, reader.root_object], set(), []
    while stack:
        container = _resolved(stack.pop())
        if not isinstance(container, DictionaryObject | ArrayObject) or id(container) in seen:
            continue
        # Kept alive so that no other object is given the id of one already seen.
        visited.append(container)
        seen.add(id(container))
        if len(visited) > MAX_OBJECTS:
            raise TooComplexToCheck(f"More than {MAX_OBJECTS} objects")
        yield container
        stack.extend(container.values() if isinstance(container, dict) else container)


def _resolved(value):
    from pypdf.generic import IndirectObject

    for _ in range(8):  # a reference to a reference: damaged, but not worth failing on
        if not isinstance(value, IndirectObject):
            return value
        value = value.get_object()
    return None


def _findings(dictionary):
    """(kind, address) for what this dictionary holds itself, not what it refers to."""
    own = _own_kind(dictionary)
    if own is not None:
        yield own, _address(dictionary) if own in _LINKS else ""
    for key, kind in ACTIVE_ENTRIES.items():
        if key in dictionary:
            yield kind, ""
    for key in ("/URI", "/Base"):  # a link's address; /Base is what relative links extend
        value = _resolved(dictionary.get(key))
        if isinstance(value, str | bytes) and (danger := link_danger(value)) is not None:
            yield danger, value


_LINKS = {Active.SCRIPT_LINK, Active.FILE_LINK, Active.PROGRAM_LINK}


def _address(dictionary):
    value = _resolved(dictionary.get("/URI"))
    return value if isinstance(value, str | bytes) else ""


def _own_kind(dictionary):
    """The kind of active content this dictionary is as a whole (an action, an attached file
    or its annotation), or None."""
    action = _resolved(dictionary.get("/S"))
    if isinstance(action, str) and action in ACTIONS:
        return ACTIONS[action]
    if action == "/URI":
        return link_danger(_resolved(dictionary.get("/URI")))
    subtype = _resolved(dictionary.get("/Subtype"))
    if subtype == "/FileAttachment":
        return Active.ATTACHMENT
    if subtype == "/RichMedia":  # Flash and the like, run by the reader
        return Active.MEDIA
    if _resolved(dictionary.get("/Type")) == "/EmbeddedFile":
        return Active.ATTACHMENT
    return None


def _is_active(value):
    from pypdf.generic import DictionaryObject

    value = _resolved(value)
    return isinstance(value, DictionaryObject) and _own_kind(value) is not None


def _is_active_annotation(value):
    """An annotation (a link, a button…) whose action is active: it is dropped from its page as
    a whole rather than left as a dead area."""
    from pypdf.generic import DictionaryObject

    value = _resolved(value)
    return (
        isinstance(value, DictionaryObject) and "/Subtype" in value and _is_active(value.get("/A"))
    )


def _strip(reader):
    """Take every active entry out of the reader's objects, in place. Whether anything was."""
    from pypdf.generic import DictionaryObject

    removed = False
    for container in _containers(reader):
        if isinstance(container, DictionaryObject):
            for key, value in list(container.items()):
                if (
                    key in ACTIVE_ENTRIES
                    or key in DROPPED_FROM_PACKS
                    or _is_active(value)
                    or (key in ("/URI", "/Base") and _is_unsafe_address(value))
                ):
                    del container[key]
                    removed = True
        else:
            kept = [
                item for item in container if not (_is_active(item) or _is_active_annotation(item))
            ]
            if len(kept) != len(container):
                container[:] = kept
                removed = True
    return removed


def _is_unsafe_address(value):
    value = _resolved(value)
    return isinstance(value, str | bytes) and link_danger(value) is not None
