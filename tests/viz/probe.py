"""Test data for the picture tests: a probe plan whose every label is hostile text, and small apps."""

from __future__ import annotations

# Hostile strings: each must show as text wherever it appears and run nothing.
PROBE_TITLE = "<img src=x onerror=alert(1)>"
PROBE_ORG = "县探针局<script>alert(2)</script>"
PROBE_SENTENCE = "（牵头单位：县探针局；<img src=y onerror=alert(3)>）"
PROBE_DOMAIN = "<svg onload=alert(4)>领域"

_PROBE_TTL = """
@prefix pk: <https://w3id.org/policykg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix d: <https://w3id.org/policykg/id/document/探政发〔2023〕1号/> .
@prefix o: <https://w3id.org/policykg/id/org/999998/> .

<https://w3id.org/policykg/id/document/探政发〔2023〕1号> a pk:PolicyDocument , pk:ImplementationPlan ;
    dcterms:title "探针县实施方案"@zh ; dcterms:identifier "探政发〔2023〕1号" ; dcterms:issued "2023-08-01"^^xsd:date .
o:probe a org:Organization , pk:GovernmentAgency ; skos:prefLabel {org}@zh .
o:县财政局 a org:Organization , pk:GovernmentAgency ; skos:prefLabel "县财政局"@zh .
o:县税务局 a org:Organization , pk:RegulatorBranch ; skos:prefLabel "县税务局"@zh .
o:县有关部门 a org:Organization , pk:CollectiveUnit ; skos:prefLabel "县有关部门、单位"@zh .
d:domain\\/1 a pk:Domain ; pk:domainNumber 1 ; skos:prefLabel {domain}@zh ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ; pk:domainLead o:县财政局 .
d:task\\/1 a pk:Task ; pk:taskNumber 1 ; pk:inDomain d:domain\\/1 ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ;
    dcterms:title {title}@zh ; pk:text "探针任务。11月底前完成。"@zh ;
    pk:leadUnit o:probe , o:县财政局 ; pk:responsibleUnit o:县税务局 ;
    pk:hasAssignment d:task\\/1\\/a1 , d:task\\/1\\/a2 ;
    pk:hasDeadline d:task\\/1\\/deadline\\/1 .
d:task\\/1\\/a1 a pk:Assignment ; pk:agent o:probe ; pk:role pk:LeadRole ; pk:evidence d:task\\/1\\/e1 .
d:task\\/1\\/a2 a pk:Assignment ; pk:agent o:县财政局 ; pk:role pk:LeadRole ; pk:evidence d:task\\/1\\/e1 .
d:task\\/1\\/e1 a pk:TextSpan ; pk:startOffset 10 ; pk:endOffset 14 ; pk:sentence {sentence} .
d:task\\/1\\/deadline\\/1 a pk:Deadline ; rdfs:label "11月底前"@zh ; pk:deadlineKind "month_end" ;
    time:inXSDDate "2023-11-30"^^xsd:date .
d:task\\/2 a pk:Task ; pk:taskNumber 2 ; pk:inDomain d:domain\\/1 ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ;
    dcterms:title "普通任务"@zh ; pk:text "普通任务。长期坚持。"@zh ;
    pk:leadUnit o:县税务局 ; pk:responsibleUnit o:县有关部门 , o:县财政局 ;
    pk:hasDeploymentWait d:task\\/2\\/w ; pk:hasDeadline d:task\\/2\\/deadline\\/open .
d:task\\/2\\/w a pk:DeploymentWait ; rdfs:label "根据省统一部署"@zh ; pk:deploymentLevel pk:ProvinceLevel .
d:task\\/2\\/deadline\\/open a pk:Deadline ; rdfs:label "长期坚持"@zh ; pk:deadlineKind "open" .
"""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def probe_turtle() -> str:
    """The probe plan: two tasks, four organisations, hostile title, name, sentence and domain."""
    return _PROBE_TTL.format(title=_lit(PROBE_TITLE), org=_lit(PROBE_ORG), sentence=_lit(PROBE_SENTENCE),
                             domain=_lit(PROBE_DOMAIN))


def project_app(graph):
    """The project's own application (api.web.app.create_app) serving ``graph``, one SPARQL worker."""
    from api.settings import Settings
    from api.web.app import create_app

    return create_app(Settings(query_workers=1), graph=graph)


def viz_app(source):
    """An app with only the pictures' router over ``source`` (no lifespan): for quick in-process tests."""
    from fastapi import FastAPI

    from api.web.errors import install_error_handlers
    from api.web.routers.viz import router

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.source = source
    return app
