"""Making a WeasyPrint PDF/A-3b a Factur-X: factur-x.xml attached, the Factur-X XMP metadata, with pypdf.

The PDF structure the factur-x library writes (its `generate_from_binary`,
level EN 16931, AFRelationship Data), without that library: it imports a
network client (requests) at load time, for a schematron server koban never
calls. The XML comes checked from render/facturx.py and is not checked again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

FILENAME = "factur-x.xml"
CREATOR = "koban"
URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
TYPE_NAMES = {"380": "Invoice", "381": "Refund"}  # what the factur-x library names them in the metadata
PROPERTIES = (  # the Factur-X PDF/A extension schema's properties
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)


def facturx_pdf(pdf: bytes, xml: bytes, number: str, type_code: str, date: str, seller: str, lang: str) -> bytes:
    """`pdf` (a PDF/A-3b) with `xml` attached as the EN 16931 Factur-X of invoice `number`."""
    writer = PdfWriter(clone_from=BytesIO(pdf))
    writer.pdf_header = pdf[: pdf.index(b"\n")]  # WeasyPrint's PDF/A-3 is PDF 1.7, and stays so
    info = _info(number, type_code, date, seller)
    now = dt.datetime.now(dt.timezone.utc)
    filespec = writer._add_object(_filespec(writer, xml, now))
    root = {
        NameObject("/AF"): writer._add_object(ArrayObject([filespec])),
        NameObject("/Names"): DictionaryObject(
            {
                NameObject("/EmbeddedFiles"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject(FILENAME), filespec])}
                )
            }
        ),
        NameObject("/PageMode"): NameObject("/UseAttachments"),  # show the attachment when the PDF opens
    }
    metadata = DecodedStreamObject()
    metadata.update({NameObject("/Subtype"): NameObject("/XML"), NameObject("/Type"): NameObject("/Metadata")})
    metadata.set_data(_xmp(info, now))
    metadata = metadata.flate_encode()
    existing = writer.root_object.get("/Metadata")
    if isinstance(existing, IndirectObject):
        writer._replace_object(existing, metadata)
    elif getattr(existing, "indirect_reference", None):
        writer._replace_object(existing.indirect_reference, metadata)
    else:
        root[NameObject("/Metadata")] = writer._add_object(metadata)
    writer.root_object.update(root)
    writer.root_object.update({NameObject("/Lang"): TextStringObject(lang.replace("_", "-"))})
    stamp = _pdf_date(now)
    writer.add_metadata(
        {
            "/Author": info["author"],
            "/CreationDate": stamp,
            "/Creator": CREATOR,
            "/Keywords": info["keywords"],
            "/ModDate": stamp,
            "/Subject": info["subject"],
            "/Title": info["title"],
        }
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _info(number: str, type_code: str, date: str, seller: str) -> dict:
    kind = TYPE_NAMES.get(type_code, "Invoice")
    return {
        "author": seller,
        "keywords": f"{kind}, Factur-X",
        "title": f"{seller}: {kind} {number}",
        "subject": f"{kind} {number} dated {date} issued by {seller}",
    }


def _filespec(writer: PdfWriter, xml: bytes, now: dt.datetime) -> DictionaryObject:
    params = DictionaryObject(
        {
            NameObject("/CheckSum"): ByteStringObject(hashlib.md5(xml).digest()),
            NameObject("/ModDate"): TextStringObject(_pdf_date(now)),
            NameObject("/Size"): NumberObject(len(xml)),
        }
    )
    stream = DecodedStreamObject()
    stream.set_data(xml)
    stream = stream.flate_encode()
    stream.update(
        {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Params"): params,
            NameObject("/Subtype"): NameObject("/text/xml"),
        }
    )
    embedded = writer._add_object(stream)
    name = TextStringObject(FILENAME)
    return DictionaryObject(
        {
            NameObject("/AFRelationship"): NameObject("/Data"),
            NameObject("/Desc"): TextStringObject("Factur-X XML file"),
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): name,
            NameObject("/EF"): DictionaryObject({NameObject("/F"): embedded, NameObject("/UF"): embedded}),
            NameObject("/UF"): name,
        }
    )


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(info: dict, now: dt.datetime) -> bytes:
    """The XMP packet: PDF/A-3B identification, title, author and subject, and the Factur-X extension schema."""
    text = {key: escape(value) for key, value in info.items()}
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    properties = "".join(
        f"""
                <rdf:li rdf:parseType="Resource">
                  <pdfaProperty:name>{name}</pdfaProperty:name>
                  <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                  <pdfaProperty:category>external</pdfaProperty:category>
                  <pdfaProperty:description>{description}</pdfaProperty:description>
                </rdf:li>"""
        for name, description in PROPERTIES
    )
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" \
xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:fx="{URN}">
  <rdf:RDF>
    <rdf:Description>
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description>
      <dc:title>
        <rdf:Alt>
          <rdf:li xml:lang="x-default">{text["title"]}</rdf:li>
        </rdf:Alt>
      </dc:title>
      <dc:creator>
        <rdf:Seq>
          <rdf:li>{text["author"]}</rdf:li>
        </rdf:Seq>
      </dc:creator>
      <dc:description>
        <rdf:Alt>
          <rdf:li xml:lang="x-default">{text["subject"]}</rdf:li>
        </rdf:Alt>
      </dc:description>
    </rdf:Description>
    <rdf:Description>
      <pdf:Producer>pypdf</pdf:Producer>
    </rdf:Description>
    <rdf:Description>
      <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>
      <xmp:CreateDate>{stamp}</xmp:CreateDate>
      <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
    </rdf:Description>
    <rdf:Description>
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>{URN}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>fx</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>{properties}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
    <rdf:Description>
      <fx:DocumentType>INVOICE</fx:DocumentType>
      <fx:DocumentFileName>{FILENAME}</fx:DocumentFileName>
      <fx:Version>1.0</fx:Version>
      <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
