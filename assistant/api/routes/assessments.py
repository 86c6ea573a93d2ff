"""POST /api/assessments: a sourced draft recommendation (advisor scope) as JSON, Markdown or DOCX."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from assistant.advisor import REQUESTERS, TYPES, AssessmentRequest, Assessor, to_docx, to_markdown
from assistant.api.access import AccessDenied, Principal
from assistant.api.deps import caller, counted
from assistant.api.models import AssessmentIn

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT = {"Content-Disposition": 'attachment; filename="assessment.docx"'}


@router.post("/api/assessments", summary="Draft a sourced assessment of a planned cooperation (advisor scope)")
async def api_assessments(request: Request, body: AssessmentIn, who: Principal = Depends(caller)):
    who.require("advisor")
    assistant = request.app.state.assistant
    counted(request, who, assistant.settings.server.assessment_cost)  # a draft costs as much as many questions
    if body.type not in TYPES or (body.requester and body.requester not in REQUESTERS):
        raise AccessDenied(400, f"type must be one of {TYPES}; requester one of {REQUESTERS}")
    assessor = Assessor(assistant, assistant.settings.assessment.tables_dir, who.filters())

    def draft():
        with request.app.state.work.slot():
            return assessor.assess(AssessmentRequest(**body.model_dump(exclude={"format"})))

    result = await run_in_threadpool(draft)
    if body.format == "md":
        return Response(to_markdown(result), media_type="text/markdown; charset=utf-8")
    if body.format == "docx":
        with tempfile.TemporaryDirectory() as tmp:
            data = to_docx(result, Path(tmp) / "assessment.docx").read_bytes()
        return Response(data, media_type=DOCX, headers=ATTACHMENT)
    return result.to_dict()
