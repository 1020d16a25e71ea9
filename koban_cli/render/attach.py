"""Making WeasyPrint's PDF/A-3b a Factur-X: factur-x.xml attached, and the Factur-X XMP metadata.

Done while WeasyPrint writes the PDF (its `finisher` hook, on its pydyf
objects), so the PDF is neither parsed nor written twice. The structure is
the one the factur-x library writes (level EN 16931, AFRelationship Data),
without that library: it imports a network client (requests) at load time,
for a schematron server koban never calls. The XML comes checked from
render/facturx.py and is not checked again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable
from xml.sax.saxutils import escape

import pydyf

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


def facturx(xml: bytes, number: str, type_code: str, date: str, seller: str, lang: str) -> Callable:
    """A WeasyPrint finisher that makes the PDF/A-3b being written the EN 16931 Factur-X of invoice `number`."""

    def finish(document, pdf: pydyf.PDF) -> None:
        info = _info(number, type_code, date, seller)
        now = dt.datetime.now(dt.timezone.utc)
        filespec = _attach(pdf, xml, now)
        af = pydyf.Array([filespec.reference])
        pdf.add_object(af)
        pdf.catalog["AF"] = af.reference
        names = pdf.catalog.setdefault("Names", pydyf.Dictionary())
        names["EmbeddedFiles"] = pydyf.Dictionary({"Names": pydyf.Array([pydyf.String(FILENAME), filespec.reference])})
        pdf.catalog["PageMode"] = "/UseAttachments"  # show the attachment when the PDF opens
        pdf.catalog["Lang"] = pydyf.String(lang.replace("_", "-"))
        producer = pdf.info["Producer"].string
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]  # WeasyPrint's PDF/A XMP, replaced
        metadata.stream = [_xmp(info, producer, now)]
        stamp = _pdf_date(now)
        for key, value in (
            ("Title", info["title"]),
            ("Author", info["author"]),
            ("Subject", info["subject"]),
            ("Keywords", info["keywords"]),
            ("Creator", CREATOR),
            ("CreationDate", stamp),
            ("ModDate", stamp),
        ):
            pdf.info[key] = pydyf.String(value)

    return finish


def _info(number: str, type_code: str, date: str, seller: str) -> dict:
    kind = TYPE_NAMES.get(type_code, "Invoice")
    return {
        "author": seller,
        "keywords": f"{kind}, Factur-X",
        "title": f"{seller}: {kind} {number}",
        "subject": f"{kind} {number} dated {date} issued by {seller}",
    }


def _attach(pdf: pydyf.PDF, xml: bytes, now: dt.datetime) -> pydyf.Dictionary:
    params = pydyf.Dictionary(
        {"CheckSum": f"<{hashlib.md5(xml).hexdigest()}>", "ModDate": pydyf.String(_pdf_date(now)), "Size": len(xml)}
    )
    stream = pydyf.Stream([xml], {"Type": "/EmbeddedFile", "Subtype": "/text#2Fxml", "Params": params}, compress=True)
    pdf.add_object(stream)
    filespec = pydyf.Dictionary(
        {
            "Type": "/Filespec",
            "F": pydyf.String(FILENAME),
            "UF": pydyf.String(FILENAME),
            "EF": pydyf.Dictionary({"F": stream.reference, "UF": stream.reference}),
            "Desc": pydyf.String("Factur-X XML file"),
            "AFRelationship": "/Data",
        }
    )
    pdf.add_object(filespec)
    return filespec


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(info: dict, producer: str, now: dt.datetime) -> bytes:
    """The XMP packet: PDF/A-3B identification, the document information (the same as the PDF's, as PDF/A
    requires), and the Factur-X extension schema."""
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
      <pdf:Producer>{escape(producer)}</pdf:Producer>
      <pdf:Keywords>{text["keywords"]}</pdf:Keywords>
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
