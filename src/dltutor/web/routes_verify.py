"""Verified code in the web chat: run a message's Python blocks, or one block again.

Routes are plain `def`s: the sandbox blocks, so FastAPI runs them in its thread pool. Both are
CSRF-protected and scoped to the signed-in learner (another learner's message is a 404, never a
403, so ids reveal nothing). The database transaction is closed while code runs: a run may take
the sandbox's wall limit per block.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dltutor.store.models import Message
from dltutor.verify.answers import (
    rerun_block,
    run_answer,
    save_block_results,
    save_one_result,
    stored_results,
)
from dltutor.web.deps import CSRF, CurrentLearner, SessionDep

router = APIRouter(prefix="/api", tags=["verify"])
MAX_ID = 2**31 - 1  # database ids: a larger number is a bad request, not a database error
MessageId = Annotated[int, Path(ge=1, le=MAX_ID)]


class VerifyOut(BaseModel):
    message_id: int
    cached: bool  # the stored verdicts of this very content; nothing was run
    blocks: list[dict[str, Any]]


class RunIn(BaseModel):
    message_id: int = Field(ge=1, le=MAX_ID)
    index: int = Field(ge=0, le=500)  # the Python block's position in the message, from 0


def _own_message(db: Session, message_id: int, learner_id: int) -> Message:
    msg = db.get(Message, message_id)
    if msg is None or msg.learner_id != learner_id:
        raise HTTPException(404, "message not found")
    if msg.status == "streaming":
        raise HTTPException(409, "the message is still being written")
    return msg


@router.post("/messages/{message_id}/verify", response_model=VerifyOut, dependencies=[CSRF])
def verify_message(
    message_id: MessageId, db: SessionDep, me: CurrentLearner, force: bool = False
) -> VerifyOut:
    """Run the Python blocks of one of the learner's messages (stored verdicts unless `force`)."""
    msg = _own_message(db, message_id, me.id)
    if not force:
        cached = stored_results(msg)
        if cached is not None:
            return VerifyOut(message_id=msg.id, cached=True, blocks=[r.to_dict() for r in cached])
    content = msg.content
    db.commit()  # no transaction stays open while the code runs
    results = run_answer(content)
    save_block_results(db, message_id, results)
    return VerifyOut(message_id=message_id, cached=False, blocks=[r.to_dict() for r in results])


@router.post("/code/run", dependencies=[CSRF])
def run_block_again(body: RunIn, db: SessionDep, me: CurrentLearner) -> dict[str, Any]:
    """Run one block of the learner's message again, after the blocks before it."""
    msg = _own_message(db, body.message_id, me.id)
    content = msg.content
    db.commit()
    try:
        result = rerun_block(content, body.index)
    except IndexError:
        raise HTTPException(404, "no such code block") from None
    save_one_result(db, body.message_id, result)
    return result.to_dict()
