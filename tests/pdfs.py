"""Real PDFs for upload and pack tests, made the way partners make them."""

import functools
import io


def make_pdf(text="Community safety report", pages=1):
    """A genuine text PDF rendered by WeasyPrint, with `pages` pages."""
    from weasyprint import HTML

    body = "".join(
        f'<p style="break-after: {"page" if n < pages else "auto"}">{text} page {n}</p>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def make_paper(body, *, title="Community safety report", lang="en-GB", tagged=True):
    """A paper as partners export it: `body` (HTML) rendered by WeasyPrint, tagged (PDF/UA)
    or not, with the document's title and language where given (None leaves one out)."""
    from weasyprint import HTML

    head = f"<title>{title}</title>" if title is not None else ""
    language = f' lang="{lang}"' if lang is not None else ""
    html = f"<html{language}><head>{head}</head><body>{body}</body></html>"
    if tagged:
        return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return HTML(string=html).write_pdf()


def make_scanned_pdf(pages=2, text="Community safety report"):
    """A scanned paper: each page a picture of printed text, with no text layer."""
    import base64

    from PIL import Image, ImageDraw

    pictures = []
    for n in range(1, pages + 1):
        picture = Image.new("L", (620, 877), "white")
        ImageDraw.Draw(picture).text((60, 80), f"{text} page {n}", fill="black")
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        pictures.append(base64.b64encode(buffer.getvalue()).decode())
    body = "".join(
        f'<img alt="" style="width: 100%; break-after: page" src="data:image/png;base64,{data}">'
        for data in pictures
    )
    return make_paper(body, title=text, tagged=False)


def paper_fields(data, name="paper.pdf"):
    """The fields an officer's upload stores for the PDF `data` (meetings.forms.DocumentForm,
    through inspect_pdf), for papers made without the form."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safer_norfolk.validators import inspect_pdf

    facts = inspect_pdf(SimpleUploadedFile(name, data, "application/pdf"))
    return {
        "page_count": facts.page_count,
        "size_bytes": facts.size_bytes,
        "text": facts.text,
        "sha256": facts.sha256,
        "pages": facts.pages,
        **facts.accessibility,
    }


def make_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_pages_text(data):
    """The text of each page."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def outline_titles(data):
    """The outline as nested lists of titles."""
    from pypdf import PdfReader

    def walk(items):
        return [walk(item) if isinstance(item, list) else item.title for item in items]

    return walk(PdfReader(io.BytesIO(data)).outline)


def is_tagged_pdf_ua(data):
    """(structure tree, marked, language, title) of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    return (
        "/StructTreeRoot" in root,
        # pypdf's BooleanObject(False) is truthy: compare with True.
        mark_info is not None and mark_info.get_object().get("/Marked") == True,  # noqa: E712
        str(root.get("/Lang", "")),
        (reader.metadata or {}).get("/Title", ""),
    )


# --- papers holding active content --------------------------------------------------------------

WEB_LINK = "https://www.norfolk.gov.uk/safer-norfolk"

# Each way a paper can be active that make_active_pdf builds.
ACTIVE_KINDS = (
    "javascript-on-opening",
    "javascript-on-closing",
    "javascript-on-page-open",
    "javascript-on-link-hover",
    "javascript-on-field-keystroke",
    "javascript-on-button-press",
    "named-javascript",
    "javascript-in-a-bookmark",
    "javascript-chained-after-a-link",
    "launch-action",
    "launch-in-a-bookmark",
    "xfa-form",
    "embedded-file",
    "file-attachment-annotation",
    "remote-go-to",
    "embedded-go-to",
    "import-data",
    "submit-form",
    "rendition",
    "rich-media-execute",
)


def make_linked_pdf(text="Community safety report"):
    """A genuine two-page paper holding what ordinary papers hold: a web link, a mail link, a
    link to its own second page and a bookmark for each page."""
    return _written(_linked_writer(text))


def make_active_pdf(kind, text="Community safety report"):
    """The linked paper above made active in the one way `kind` names (one of ACTIVE_KINDS)."""
    writer = _linked_writer(text)
    _add_active_content(writer, kind)
    return _written(writer)


def make_pdf_linking_to(address, text="Community safety report"):
    """The linked paper above with one more link, to `address`: a str is written as a PDF text
    string, bytes as a hex string (which is how pypdf writes a byte string)."""
    from pypdf.generic import ByteStringObject, TextStringObject

    writer = _linked_writer(text)
    value = ByteStringObject(address) if isinstance(address, bytes) else TextStringObject(address)
    _add_annotation(writer, _action("/URI", URI=value))
    return _written(writer)


def _linked_writer(text):
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_two_pages(text))))
    writer.add_annotation(0, Link(rect=(50, 760, 250, 780), url=WEB_LINK))
    writer.add_annotation(0, Link(rect=(50, 730, 250, 750), url="mailto:panel@example.org"))
    writer.add_annotation(0, Link(rect=(50, 700, 250, 720), target_page_index=1))
    writer.add_outline_item(title=f"{text}: first page", page_number=0)
    writer.add_outline_item(title=f"{text}: second page", page_number=1)
    return writer


@functools.cache
def _two_pages(text):
    # Rendering is the slow part; each paper built from it gets a writer of its own.
    return make_pdf(text, pages=2)


def _written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_active_content(writer, kind):
    from pypdf.generic import ArrayObject, NumberObject

    root, page = writer.root_object, writer.pages[0]
    names = root.setdefault(_name("/Names"), _dictionary({}))
    match kind:
        case "javascript-on-opening":
            root[_name("/OpenAction")] = _script()
        case "javascript-on-closing":
            root[_name("/AA")] = _dictionary({"/WC": _script()})
        case "javascript-on-page-open":
            page[_name("/AA")] = _dictionary({"/O": _script()})
        case "javascript-on-link-hover":
            _add_annotation(
                writer, _action("/URI", URI=WEB_LINK), AA=_dictionary({"/E": _script()})
            )
        case "javascript-on-field-keystroke":
            _add_form_field(writer, FT=_name("/Tx"), AA=_dictionary({"/K": _script()}))
        case "javascript-on-button-press":
            _add_form_field(writer, FT=_name("/Btn"), Ff=NumberObject(65536), A=_script())
        case "named-javascript":
            names[_name("/JavaScript")] = _name_tree("init", writer._add_object(_script()))
        case "javascript-in-a-bookmark":
            _set_second_bookmark_action(writer, _script())
        case "javascript-chained-after-a-link":
            # A web link that goes on to a page, then to a named action, then to a script.
            go_to = _action(
                "/GoTo", D=ArrayObject([writer.pages[1].indirect_reference, _name("/Fit")])
            )
            go_to[_name("/Next")] = _action("/Named", N=_name("/NextPage"), Next=_script())
            _add_annotation(
                writer, _action("/URI", URI="https://www.example.org/", Next=ArrayObject([go_to]))
            )
        case "launch-action":
            launch = _action(
                "/Launch", F="calc.exe", Win=_dictionary({"/F": "cmd.exe", "/P": "/c calc"})
            )
            _add_annotation(writer, launch)
        case "launch-in-a-bookmark":
            _set_second_bookmark_action(writer, _action("/Launch", F="calc.exe"))
        case "xfa-form":
            template = _stream(
                b"<xdp:xdp><template><script>xfa.host.messageBox(1)</script></template></xdp:xdp>"
            )
            root[_name("/AcroForm")] = _dictionary(
                {"/Fields": ArrayObject(), "/XFA": writer._add_object(template)}
            )
        case "embedded-file":
            names[_name("/EmbeddedFiles")] = _name_tree("payload.exe", writer._add_object(_file()))
        case "file-attachment-annotation":
            _add_annotation(writer, None, subtype="/FileAttachment", FS=_file())
        case "remote-go-to":
            remote = _action(
                "/GoToR",
                F="\\\\server\\share\\other.pdf",
                D=ArrayObject([NumberObject(0), _name("/Fit")]),
            )
            _add_annotation(writer, remote)
        case "embedded-go-to":
            target = _dictionary({"/R": _name("/C"), "/N": "payload.pdf"})
            embedded = _action("/GoToE", T=target, D=ArrayObject([NumberObject(0), _name("/Fit")]))
            _add_annotation(writer, embedded)
        case "import-data":
            _add_annotation(writer, _action("/ImportData", F="data.fdf"))
        case "submit-form":
            address = _dictionary({"/FS": _name("/URL"), "/F": "https://collector.example/"})
            submit = _action("/SubmitForm", F=address)
            _add_form_field(writer, FT=_name("/Btn"), Ff=NumberObject(65536), A=submit)
        case "rendition":
            _add_annotation(writer, _action("/Rendition", OP=NumberObject(0)), subtype="/Screen")
        case "rich-media-execute":
            _add_annotation(writer, _action("/RichMediaExecute", TA=_dictionary({})))
        case _:
            raise ValueError(kind)
    if not names:
        del root["/Names"]


def _name(value):
    from pypdf.generic import NameObject

    return NameObject(value)


def _dictionary(entries):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return DictionaryObject(
        {
            NameObject(key): TextStringObject(value) if type(value) is str else value
            for key, value in entries.items()
        }
    )


def _action(kind, **entries):
    return _dictionary(
        {"/Type": _name("/Action"), "/S": _name(kind)} | {f"/{k}": v for k, v in entries.items()}
    )


def _script():
    return _action("/JavaScript", JS="app.alert('armed')")


def _stream(data, **entries):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update(_dictionary(entries))
    return stream


def _name_tree(name, value):
    from pypdf.generic import ArrayObject, TextStringObject

    return _dictionary({"/Names": ArrayObject([TextStringObject(name), value])})


def _file():
    """A file specification carrying an embedded program."""
    program = _stream(b"MZ this would be a program", **{"/Type": _name("/EmbeddedFile")})
    return _dictionary(
        {
            "/Type": _name("/Filespec"),
            "/F": "payload.exe",
            "/UF": "payload.exe",
            "/EF": _dictionary({"/F": program}),
        }
    )


def _add_annotation(writer, action, subtype="/Link", **entries):
    """An annotation on the first page whose action is `action`; returns its dictionary."""
    from pypdf.generic import ArrayObject, FloatObject

    annotation = _dictionary(
        {
            "/Type": _name("/Annot"),
            "/Subtype": _name(subtype),
            "/Rect": ArrayObject(FloatObject(n) for n in (300, 700, 500, 720)),
        }
        | ({"/A": action} if action is not None else {})
        | {f"/{k}": v for k, v in entries.items()}
    )
    writer._add_object(annotation)
    page = writer.pages[0]
    page.setdefault(_name("/Annots"), ArrayObject()).append(annotation.indirect_reference)
    return annotation


def _add_form_field(writer, **entries):
    """A form field with its widget on the first page, listed in the document's form."""
    from pypdf.generic import ArrayObject

    field = _add_annotation(writer, None, subtype="/Widget", T="Comments", **entries)
    form = writer.root_object.setdefault(
        _name("/AcroForm"), _dictionary({"/Fields": ArrayObject()})
    )
    form["/Fields"].append(field.indirect_reference)


def _set_second_bookmark_action(writer, action):
    # The second bookmark is reached from the first through /Next, as readers list them.
    second = writer.root_object["/Outlines"]["/First"]["/Next"]
    second[_name("/A")] = action
    second.pop(_name("/Dest"), None)
