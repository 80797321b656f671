"""The decision reader (POLICY.md "Replies that change the plan", Decision).

Every text here was written for these tests as employers write: plain templates, soft
wordings, agency and ATS notices, UK/Indian/Australian English, and the hard negatives
(plans, hopes, conditions, outcomes still open, someone else's offer, another role).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.render import why_text
from daemon.status import reason
from policy.business_days import BusinessCalendar
from policy.decisions import MAX_DECISION_CHARS, read_decision
from policy.models import (
    Attendee,
    CalendarEvent,
    Message,
    Outcome,
    Person,
    Rule,
    Settings,
    State,
    Status,
    Thread,
    Why,
)
from policy.planner import plan
from policy.replies import new_text, read_reply
from policy.rules import Reply

R, OF, N, X = Outcome.REJECTED, Outcome.OFFER, Outcome.NEXT_ROUND, None

REJECTIONS = [
    (
        "After careful consideration, we have decided not to move forward with your application"
        " at this time.",
        R,
    ),
    ("We regret to inform you that we will not be moving forward with your candidacy.", R),
    (
        "While your background is impressive, we have chosen to pursue candidates whose"
        " qualifications more closely align with our needs.",
        R,
    ),
    ("Unfortunately, we have decided to proceed with other applicants for this role.", R),
    ("The hiring team has decided to extend an offer to another candidate.", R),
    ("We have decided to go with a candidate who has more direct experience in healthcare.", R),
    ("I'm sorry to let you know that you were not successful in progressing to the next stage.", R),
    ("We won't be able to move forward with your application.", R),
    ("Thank you for your interest; however, the position has now been filled.", R),
    ("We've decided to hire an internal candidate for this position.", R),
    ("Your application was not successful on this occasion.", R),
    ("We have decided not to offer you the position.", R),
    ("The team felt that other candidates were a stronger fit for the role.", R),
    (
        "We have selected a candidate whose skills and experience more closely match our"
        " requirements.",
        R,
    ),
    ("Unfortunately we are not able to take your application any further.", R),
    ("It was a very difficult decision, but we've decided to offer the job to someone else.", R),
    ("I'm afraid we've decided not to take your application forward.", R),
    (
        "We have now completed our selection process and regret that your application has not"
        " been successful.",
        R,
    ),
    ("The role has been offered to and accepted by another candidate.", R),
    ("We have decided to close the position without making a hire.", R),
    ("We have decided to move in a different direction.", R),
    ("Thanks for your time, but we won't be moving ahead.", R),
    ("We are no longer able to consider your application.", R),
    ("The hiring manager has decided not to pursue your candidacy further.", R),
    ("Regrettably, we will not be extending you an offer of employment.", R),
    ("We've decided that you're not the right fit for this role.", R),
    ("This time, we've decided to go another way.", R),
    ("We have made the difficult decision to not move forward.", R),
    ("I wanted to let you know that we've hired for the role.", R),
    ("Sadly, we won't be progressing with your application.", R),
    ("We were very impressed, but the committee selected another applicant.", R),
    ("You were not chosen for the position.", R),
    ("We are not in a position to offer you employment at this time.", R),
    ("The other finalist's experience was a better match for the team.", R),
    ("Your skills, while strong, don't match what we need right now.", R),
    ("We decided to extend the offer to a candidate with more agency experience.", R),
    ("The client has chosen to proceed with another candidate.", R),
    (
        "We have identified a candidate who better meets our needs and will be proceeding with"
        " them.",
        R,
    ),
    ("Ultimately the team went with someone who had more startup experience.", R),
    ("Thank you for applying. This position is no longer available.", R),
    ("We've gone with an internal hire.", R),
    ("I'm writing to let you know we won't be offering you the role.", R),
    (
        "We decided to move forward with a candidate whose experience aligned more closely with"
        " the role.",
        R,
    ),
    ("Unfortunately, you have not passed the technical assessment.", R),
    ("Your application will not be taken any further.", R),
    ("We have now appointed to this post.", R),
    (
        "Hi Sam,\n\nThank you so much for taking the time to speak with our team last week. We"
        " really enjoyed learning about your background.\n\nAfter much deliberation, the team"
        " has decided to pursue a candidate whose experience is more closely aligned with the"
        " needs of the role. This was not an easy decision.\n\nWe will keep your resume on file"
        " and reach out if a suitable opportunity comes up.\n\nBest,\nJo",
        R,
    ),
    (
        "Dear Candidate, thank you for your application for the role of Warehouse Associate. We"
        " have reviewed your application and unfortunately you have not been shortlisted on this"
        " occasion.",
        R,
    ),
    (
        "Hey! Just wanted to give you a heads up that we're going to go a different way on this"
        " one. Really enjoyed chatting though.",
        R,
    ),
    (
        "We appreciate your patience. The search committee has concluded its work, and another"
        " candidate has accepted our offer.",
        R,
    ),
    ("Unfortunately the hiring manager felt that your experience wasn't quite the right match.", R),
    ("I hate to be the bearer of bad news, but we've decided to keep looking.", R),
    (
        "We've reviewed the results of your technical assessment and won't be continuing with"
        " your application.",
        R,
    ),
    (
        "Following the final interviews, we have made an offer to another candidate, which has"
        " been accepted.",
        R,
    ),
    (
        "Thanks for your interest in the role. We have decided to not proceed further with your"
        " profile.",
        R,
    ),
    ("We have decided to progress with other candidates at this stage.", R),
    (
        "Unfortunately, the decision was made to hire a candidate with more leadership experience.",
        R,
    ),
    (
        "We're sorry, but the position you interviewed for has been cancelled due to"
        " restructuring.",
        R,
    ),
    ("The panel was impressed, but we've selected a different candidate for this post.", R),
    ("Your candidacy for the Analyst position will not be moving forward.", R),
    (
        "We will not be able to offer you a role at this time, but we encourage you to reapply"
        " next year.",
        R,
    ),
    ("We've decided to move ahead with other finalists.", R),
    ("The team has decided you are not a fit for this role at this time.", R),
    (
        "Dear Jordan,\n\nThank you for applying for the Customer Support Specialist position at"
        " Brightline. We appreciate the time you took to interview with us.\n\nWe received many"
        " qualified applications and, after careful review, we have decided to move forward with"
        " candidates whose experience better matches our current needs.\n\nWe wish you success"
        " in your job search.\n\nSincerely,\nBrightline Talent Team",
        R,
    ),
    (
        "Hi Priya, I wanted to follow up personally. The team loved meeting you but ultimately"
        " decided to go with another candidate who had more experience with Kubernetes. I'd be"
        " glad to keep in touch for future roles.",
        R,
    ),
    (
        "Thank you for your interest in Contoso. Although your qualifications are impressive, we"
        " have selected other candidates whose profiles more closely fit the requirements of the"
        " position.",
        R,
    ),
    (
        "We regret to advise that your application for the position of Graduate Accountant was"
        " unsuccessful.",
        R,
    ),
    ("Unfortunately we will not be taking your application further at this time.", R),
    ("Hi Chris — bad news, I'm afraid. The client went with the other finalist.", R),
    (
        "The hiring team decided to offer the role to a candidate with more direct sales"
        " experience. I know this isn't what you were hoping to hear.",
        R,
    ),
    ("Your application status has changed: Not moving forward.", R),
    (
        "We have completed the interview process and the position has been offered to another"
        " applicant.",
        R,
    ),
    ("We really enjoyed our conversations, but we've decided not to extend an offer.", R),
    ("At this stage we won't be inviting you to the final round.", R),
    ("The role was filled internally.", R),
    ("Thank you for your time. We will not be progressing further with your application.", R),
    ("We have decided to hold off on filling this role and are closing the requisition.", R),
    ("Hi there, we're offering the job to someone else, sorry. Good luck!", R),
    (
        "Thank you for your interest in Northwind. We have carefully reviewed your"
        " qualifications and, unfortunately, we will not be moving forward with your application"
        " at this time.",
        R,
    ),
    (
        "We appreciate you taking the time to interview with us. After much consideration, we've"
        " decided to pursue other candidates for this position.",
        R,
    ),
    (
        "After careful review, we have decided to move forward with other applicants whose"
        " qualifications more closely match our current needs.",
        R,
    ),
    (
        "We have decided to proceed with candidates who more closely meet the requirements of"
        " the position.",
        R,
    ),
    (
        "Although we were impressed with your qualifications, we have decided to pursue other"
        " applicants.",
        R,
    ),
    ("The position you applied for has been closed.", R),
    ("This requisition has been cancelled and we will not be filling the role.", R),
    ("At this time, we have chosen to move forward with another applicant.", R),
    ("Your profile doesn't match our current requirements.", R),
    ("It was a tough decision, but we will be pursuing other candidates at this time.", R),
    ("I'm sorry to share that you have not been chosen to continue in the process.", R),
    ("We decided to offer the position to a candidate whose experience is a closer match.", R),
    ("We're going to be moving forward with other folks for this one.", R),
    ("We've filled the position with an internal candidate.", R),
    ("We are no longer hiring for this position.", R),
    (
        "Unfortunately the role has been put on hold indefinitely, so we are closing your"
        " application.",
        R,
    ),
    (
        "After reviewing everyone's feedback, the team doesn't feel you're the strongest match"
        " for this role.",
        R,
    ),
    ("We went with a candidate who could relocate immediately.", R),
    (
        "Having met all the shortlisted candidates, the panel has agreed to appoint another"
        " candidate.",
        R,
    ),
    ("We've reached a decision, and unfortunately it's not good news for you this time.", R),
    (
        "Hi Alex, I wish I had better news. The team decided to go with someone whose background"
        " is closer to the product.",
        R,
    ),
    ("I'm afraid we've decided against progressing your application.", R),
    ("We've given it a lot of thought and we're going to keep the search open for now.", R),
    ("On reflection, we don't think the timing is right to bring you on.", R),
    ("We've decided this isn't the right match at this time.", R),
    ("You were a strong candidate, but we chose another applicant for the role.", R),
    (
        "Dear Alex,\n\nThank you for your interest in the Data Analyst position and for taking"
        " the time to interview with our team. We truly appreciate the effort you put into the"
        " process.\n\nWe received a large number of applications, and after careful"
        " consideration we have decided to offer the role to another candidate whose skills more"
        " closely match our current needs.\n\nWe would like to keep your resume on file and"
        " invite you to apply for future openings that match your experience.\n\nKind"
        " regards,\nHR Team",
        R,
    ),
    (
        "Hi Alex, thanks for your patience. We have decided not to move you forward to the"
        " onsite stage. Best of luck!",
        R,
    ),
    ("Hi Alex — after a lot of back and forth, we've landed on another candidate for the role.", R),
    ("We've made our hire for this role, so we're closing out the remaining applications.", R),
    ("The team has chosen to go with an applicant who has more experience managing budgets.", R),
    ("I'm sorry to say the hiring manager has decided to go in a different direction.", R),
    ("We won't be scheduling a second interview.", R),
    ("We will not be able to continue with your application for this position.", R),
    (
        "Your application status for Requisition 10234 – Business Analyst has been updated."
        " Status: Position Filled.",
        R,
    ),
    (
        "Thank you for interviewing. At this time, you are no longer being considered for the"
        " role of Account Executive.",
        R,
    ),
    (
        "Thank you for applying. We have reviewed your candidacy and will not be advancing you"
        " to the next step.",
        R,
    ),
    (
        "We have concluded our search and the role has now been offered to and accepted by"
        " another candidate.",
        R,
    ),
    (
        "It is with regret that we inform you that you have not been successful in your"
        " application.",
        R,
    ),
    ("Please accept this email as notification that you were not selected for the position.", R),
    ("We’ve decided to hire someone internally for this position.", R),
    ("While we enjoyed meeting you, we feel other applicants are better suited to the role.", R),
    ("We've chosen to move ahead with a few other candidates for the final round.", R),
    ("I'm afraid we can't offer you the job this time around.", R),
    (
        "Hi Alex,\n\nThank you again for your time over the last few weeks. I know you put a lot"
        " into the case study.\n\nI wanted to let you know that we won't be moving ahead with"
        " your application. The panel felt another candidate's experience in retail banking gave"
        " them the edge.\n\nIf it's useful, I'm happy to set up a short call to share"
        " feedback.\n\nBest,\nSam",
        R,
    ),
    (
        "Hey Alex! Unfortunately we've decided to go with another applicant, but we'd love to"
        " keep you in mind for the next opening.",
        R,
    ),
    ("Thanks for your patience. The decision was made to not move forward with your candidacy.", R),
    ("We really appreciated meeting you. Sadly, we have offered the position to someone else.", R),
    ("We regret to let you know that we have appointed another candidate to the post.", R),
    ("We have decided to reopen the search for this role.", R),
    ("Your candidacy has been withdrawn from consideration.", R),
    (
        "Hi, I've got an update from the client: they've gone with a candidate who was further"
        " along in their notice period.",
        R,
    ),
    (
        "Dear Applicant, we thank you for your interest. However, we are unable to consider your"
        " candidature further for the said position.",
        R,
    ),
    (
        "Your application was reviewed by the hiring manager and was not shortlisted for further"
        " consideration.",
        R,
    ),
    ("We have now filled all of our graduate places for this year.", R),
    ("Thanks mate, but the boss has gone with the other bloke for the role.", R),
    (
        "I'm sorry, but after speaking with the team we've decided you're not quite what we're"
        " looking for.",
        R,
    ),
    (
        "The committee decided that your experience was not sufficiently aligned with the"
        " requirements of the role.",
        R,
    ),
    ("We've had to make a tough call and we're not going to proceed with your application.", R),
    (
        "Following the assessment centre, we regret that we are unable to progress your"
        " application.",
        R,
    ),
    (
        "We've had an overwhelming response and, on this occasion, we won't be taking your"
        " application forward.",
        R,
    ),
    ("Just a note to say the role has gone to an internal applicant.", R),
    ("The panel has made its selection and I'm afraid it wasn't you this time.", R),
    ("We will not be pursuing your application any further.", R),
    ("After the second interview, the team concluded that another finalist was the better fit.", R),
    ("Your application has not progressed to the next stage.", R),
    ("The hiring manager has decided to close the search without making a hire.", R),
    ("I'm gutted to tell you they've picked someone else.", R),
    (
        "We have carefully considered your application and regret to inform you that it has not"
        " been successful on this occasion.",
        R,
    ),
    (
        "While we were impressed by your background, we will not be moving to the next stage"
        " with you.",
        R,
    ),
    (
        "At this point, the team has decided to focus on candidates with more direct B2B"
        " experience.",
        R,
    ),
    (
        "We have now made an appointment to the post and would like to thank you for your"
        " interest.",
        R,
    ),
    ("We've decided to hire from within the team.", R),
    ("The search is now closed; the successful candidate starts in February.", R),
    ("Sorry to say it's a no from the client this time.", R),
    (
        "Dear Candidate,\n\nGreetings from Infolabs!\n\nThank you for appearing for the"
        " interview. We regret to inform you that your profile has not been found suitable for"
        " the current requirement.\n\nRegards,\nHR Team",
        R,
    ),
    (
        "Thanks for your patience, Alex. Honestly, it came down to you and one other person, and"
        " we went the other way.",
        R,
    ),
    ("We really liked you, but we've decided the role needs someone more senior.", R),
    ("We're going to keep looking for someone with a stronger sales background.", R),
    ("I'm sorry to report that the client has declined to move forward.", R),
    (
        "Unfortunately, the hiring manager has not selected you for the next stage of the process.",
        R,
    ),
    ("On balance, the panel preferred another candidate's approach to the case study.", R),
    (
        "Following a review of all candidates, we are sorry to tell you that we will not be"
        " offering you an interview at the next stage.",
        R,
    ),
    ("We've now completed the process and unfortunately you were unsuccessful.", R),
    ("Hi Alex, the client has fed back and unfortunately they're not going to take it further.", R),
    ("The hiring committee voted to proceed with a different finalist.", R),
    ("It's been a difficult choice, but we've chosen a candidate who is based locally.", R),
    ("The position has been withdrawn, so we won't be making a hire at this time.", R),
    (
        "We will not be able to consider you for this role, as it requires a security clearance"
        " you don't hold.",
        R,
    ),
    (
        "We've made the call to go with our second-round favourite, so we'll close your"
        " application.",
        R,
    ),
    (
        "We were really torn, but in the end we've gone for a candidate with more team-lead"
        " experience.",
        R,
    ),
    ("This isn't the news you were hoping for: the role has been given to another applicant.", R),
    ("Unfortunately we feel your skills are not a match for this particular role.", R),
    ("After a lot of discussion, the team isn't able to move ahead with your candidacy.", R),
    ("We've decided not to move to the offer stage with you.", R),
    ("I wanted to personally let you know that we selected another person for the job.", R),
    ("Many thanks for your time, but we are going to pass on your application.", R),
    (
        "Hi Alex,\n\nHappy Friday! Thanks again for coming in on Tuesday; the team really"
        " enjoyed the whiteboard session.\n\nWe've now met all the finalists. I'm sorry to say"
        " we've chosen to move forward with someone whose background is closer to our payments"
        " work.\n\nIf you'd like feedback, I'm happy to jump on a call next week. And do keep an"
        " eye on our careers page; we'll have more roles in the spring.\n\nAll the best,\nJo",
        R,
    ),
    (
        "Hello Alex,\n\nThank you for taking the time to interview with us. We enjoyed learning"
        " more about you.\n\nAt this time we will be moving forward with candidates whose"
        " experience more closely aligns with the requirements of the role.\n\nWe wish you the"
        " very best in your search.\n\nTalent Acquisition",
        R,
    ),
    ("We've come to a decision and have decided not to take you through to the next stage.", R),
    ("I'm afraid this one's a no — the hiring manager wants someone who has led a team before.", R),
    ("Unfortunately, we have decided that we will not be making you an offer at this time.", R),
    ("Your application for Store Manager was declined following your interview.", R),
    ("We've decided the fit isn't quite there, so we'll be parting ways here.", R),
    (
        "The client decided to re-advertise the role rather than proceed with the current"
        " shortlist.",
        R,
    ),
    ("Unfortunately we won't be able to take you on this time.", R),
    ("Thank you for your time. Regrettably, the panel has chosen to progress other candidates.", R),
    ("While your skills are impressive, they aren't the right fit for what the team needs now.", R),
    ("The role has been offered internally, so we're closing the external search.", R),
    ("We are unable to take your candidature forward at this stage.", R),
    ("Unfortunately the feedback wasn't strong enough for us to continue.", R),
    ("After much thought we've decided to go with a more experienced candidate.", R),
    ("I'm so sorry, but you weren't successful this time around.", R),
    ("We've filled the vacancy and won't be taking any further applications.", R),
    ("You came a close second, but the panel has offered the post to the other finalist.", R),
    ("We're sorry, but you haven't made it to the next round this time.", R),
    ("The business has decided to move forward with a candidate from their existing team.", R),
    ("Having reviewed the assessment, we won't be proceeding to interview.", R),
    ("We will not be offering a second interview, but thank you for your time.", R),
    ("Thank you for coming in. We have decided to employ another applicant.", R),
    (
        "We appreciate your interest, but we have selected a candidate who more closely meets"
        " our needs.",
        R,
    ),
    ("Sorry Alex, it's not going to be us this time — we've hired.", R),
    ("I regret to say that your application will not be taken forward to interview.", R),
    (
        "We've concluded the process and the role has been filled by a colleague from another"
        " department.",
        R,
    ),
    ("Following feedback from the panel, we will not be inviting you to the assessment centre.", R),
    ("The team agreed that they need more experience in the role than you currently have.", R),
    (
        "Unfortunately the hiring team felt that your answers did not demonstrate the level of"
        " experience required.",
        R,
    ),
    ("We're sorry to let you know that the vacancy has now closed and we've appointed.", R),
    ("Unfortunately, the role went to someone who could start straight away.", R),
    ("The recruiting manager has opted to pursue an alternative candidate.", R),
    ("It was a very close call, but the team has gone with the other shortlisted candidate.", R),
    ("Thanks for your interest in Acme; your application has been rejected.", R),
    ("We're not going to be able to offer you this role, but I'd like to keep in touch.", R),
    ("We really enjoyed meeting you, but we don't have a place for you on the team right now.", R),
    ("We've hired another engineer, so the role is no longer open.", R),
    ("We have accepted another applicant's application for this role.", R),
    ("After reviewing your assessment, we've decided not to continue with your application.", R),
    ("We have now completed our interviews and you have not been selected to progress.", R),
    ("Thank you; the position has since been filled through a referral.", R),
    ("The team chose to move forward with applicants who have more hospital experience.", R),
    ("I'm afraid your application has been unsuccessful at the interview stage.", R),
    ("We won't be going any further with your application, I'm afraid.", R),
    ("The client has decided to hold out for someone with sector experience.", R),
    ("We were impressed, but in this instance another applicant was a closer match.", R),
    ("Unfortunately we've had to close the role due to budget cuts, so we won't be hiring.", R),
    ("We've decided that we won't progress to an offer with you.", R),
    ("Sorry — we decided to promote someone internally.", R),
]

OFFERS = [
    ("We are delighted to offer you the position of Marketing Manager.", OF),
    ("I'm excited to extend an offer for the Software Engineer role!", OF),
    ("Please find attached your offer letter.", OF),
    ("On behalf of Acme, I'm pleased to offer you employment as a Data Analyst.", OF),
    ("We would like to offer you the role, subject to references.", OF),
    ("Congratulations! You got the job.", OF),
    ("We'd love to have you join our team as a Product Designer.", OF),
    ("I'm happy to confirm that we are offering you the position.", OF),
    ("The team would like to make you an offer.", OF),
    ("Your offer package is attached.", OF),
    ("We want to bring you on board!", OF),
    ("I'm thrilled to let you know that you've been selected for the Operations Manager role.", OF),
    ("We'd like you to join us as Head of Sales.", OF),
    ("We are pleased to extend a conditional offer of employment.", OF),
    ("Attached is your employment agreement for signature.", OF),
    ("We're excited to welcome you to the team!", OF),
    ("You'll receive the formal offer via DocuSign shortly.", OF),
    ("Pending a successful background check, the job is yours.", OF),
    ("We've decided to offer you the job!", OF),
    ("Everyone agreed: we want you for this role. HR will send the paperwork.", OF),
    ("I'm glad to tell you the panel recommended you for appointment.", OF),
    ("We'd like to move forward with an offer for you.", OF),
    ("The hiring committee has approved your offer, and the letter will follow tomorrow.", OF),
    (
        "Hi Alex,\n\nGreat news! On behalf of the whole team, I'm delighted to offer you the"
        " role of Senior Analyst. Your written offer will follow from HR in the next day or"
        " two.\n\nCheers,\nKim",
        OF,
    ),
    (
        "Following our conversation, I'm happy to confirm our offer of a full-time Software"
        " Engineer position.",
        OF,
    ),
    (
        "You have been selected for the position of Staff Nurse. Please report to HR on Monday"
        " to complete onboarding.",
        OF,
    ),
    ("Congrats — you're hired! Let's talk start dates.", OF),
    ("We're thrilled to tell you we'd like you to come aboard as our new Operations Lead.", OF),
    ("We would be delighted if you would accept the position of Head Chef.", OF),
    ("The attached letter confirms our offer and the terms we discussed.", OF),
    ("I've attached your contract; please sign and return it by Friday.", OF),
    ("We'd like to formally offer you a place on our graduate scheme starting in September.", OF),
    ("Your offer has been approved! You'll receive it via email within the hour.", OF),
    (
        "Hi Dana,\n\nI'm thrilled to share that we'd like to offer you the Product Manager"
        " position! I'll send the official offer letter through DocuSign this afternoon. Let me"
        " know if you have any questions.\n\nBest,\nSam",
        OF,
    ),
    (
        "We are pleased to inform you that you have been selected for the role of Junior"
        " Developer. Your start date will be January 8.",
        OF,
    ),
    ("Welcome to the team! Your first day is Monday.", OF),
    ("Please review the attached offer and let us know by Friday.", OF),
    ("It's official: the board approved your appointment as Director of Finance.", OF),
    ("We are excited to extend to you an offer of employment for the role of Data Scientist.", OF),
    ("I'm happy to let you know we'd like to bring you on as a Senior Consultant.", OF),
    (
        "Following your successful interview, we would like to offer you the post of Teaching"
        " Assistant, subject to satisfactory references.",
        OF,
    ),
    ("It is my pleasure to extend to you an offer of employment as Staff Accountant.", OF),
    ("I'm writing to formally offer you the role of Head of Design.", OF),
    ("We are happy to confirm your appointment as Lecturer in Chemistry.", OF),
    ("We would like to extend you a job offer for the Support Engineer role.", OF),
    ("We're pleased to move forward with an offer for the Marketing Lead role.", OF),
    ("Good news: the client has come back with an offer for you! Call me to discuss.", OF),
    ("The team was unanimous, so here's your offer: $120k base plus equity. Details attached.", OF),
    ("We'd like to have you on the team starting January 12.", OF),
    ("Everyone was impressed and we would like you to take the role.", OF),
    ("Please sign the attached offer by Friday to accept.", OF),
    ("We'd be thrilled to have you join us. Expect a call from HR tomorrow with the details.", OF),
    ("Great news — the team wants to hire you! I'll send the paperwork this afternoon.", OF),
    ("We're moving you to the offer stage! HR will be in touch with the details tomorrow.", OF),
    ("Congratulations on your new role with us! Your onboarding pack is attached.", OF),
    ("We'd like to bring you aboard as our new Head of Customer Success.", OF),
    (
        "I am pleased to confirm that your application was successful and we would like to offer"
        " you the post.",
        OF,
    ),
    ("Could you let me know whether you accept the offer by Friday?", OF),
    (
        "We are delighted to inform you that your application for the position of Staff Nurse"
        " has been successful.",
        OF,
    ),
    ("I'm happy to let you know we'd like to make you a formal offer for the role.", OF),
    ("We'd like to welcome you to the team as our new Office Manager, starting Monday.", OF),
    (
        "Following your interview, I'm pleased to offer you a fixed-term contract as Research"
        " Assistant.",
        OF,
    ),
    ("Please find your offer letter and contract enclosed.", OF),
    (
        "Unfortunately the budget fell through, but we found a way: we'd like to offer you the"
        " role at the original salary.",
        OF,
    ),
    ("We are pleased to offer you the position, and we look forward to your response.", OF),
    ("The hiring team would like to move forward and make you an offer.", OF),
    ("You're our pick! HR will be in touch about the contract.", OF),
    ("We'd like to appoint you to the role of Deputy Manager, subject to references.", OF),
    ("I'm delighted to say that the panel would like to offer you the position of Librarian.", OF),
    ("We are thrilled to welcome you aboard as our new Data Engineer!", OF),
    ("Congratulations, the job is yours if you want it.", OF),
    ("We'd love for you to join us as a Senior Designer. Your offer letter will follow.", OF),
    ("Attached please find the formal offer for the Head of Marketing role.", OF),
    ("Formal paperwork aside, consider this your verbal offer: we want you!", OF),
    (
        "We will be extending an offer to you in the next few days; HR is finalising the numbers.",
        OF,
    ),
    ("Welcome to Acme! We're so glad you accepted.", OF),
    ("The board has approved your appointment, effective 1 March.", OF),
    ("We would love to offer you a place in our apprenticeship programme.", OF),
    (
        "We are happy to inform you that you have been selected for the post of Assistant"
        " Engineer. Kindly report on 4th January with your documents.",
        OF,
    ),
    ("Fantastic news — they said yes! The client wants you to start on the 12th.", OF),
    ("I'm delighted to let you know the role is yours.", OF),
    (
        "Please see the attached employment contract and let me know if you have any questions"
        " before signing.",
        OF,
    ),
    ("I'm pleased to confirm your job offer for the position of Accounts Assistant.", OF),
    ("It gives me great pleasure to offer you the role of Charge Nurse.", OF),
    ("Your contract is ready for you to sign in the portal.", OF),
    ("We're delighted you've accepted our offer — welcome!", OF),
    ("Great news!! We're offering you the job. Can you call me today?", OF),
    ("The team wants to bring you on full-time starting next month — offer details to follow.", OF),
    ("We have decided to offer you a position as a Junior Analyst.", OF),
    (
        "I'm pleased to tell you that the interview panel has recommended you for appointment,"
        " and HR will contact you with the formal offer.",
        OF,
    ),
    (
        "Dear Alex,\n\nI hope you had a good weekend.\n\nFollowing your interviews with the"
        " team, I am delighted to confirm that we would like to offer you the position of"
        " Operations Manager at Brightwater. Details of salary and benefits are in the attached"
        " letter.\n\nPlease let me know by 18 December whether you wish to accept.\n\nWarm"
        " regards,\nHelen",
        OF,
    ),
    (
        "Hi Alex,\n\nI'm happy to share that the team would like to extend you an offer for the"
        " Product Designer role! I'll send the written offer through our HR system tomorrow. In"
        " the meantime, do you have a few minutes today for a quick call?\n\nBest,\nRae",
        OF,
    ),
    ("Really pleased to let you know you got it! HR will email the contract today.", OF),
    ("We're excited to have you on board and will send over your start paperwork.", OF),
    ("The MD has signed off on your offer; expect the letter tomorrow.", OF),
    ("You've been successful! We'd like you to start on 4 January.", OF),
    ("We want to offer you the job! Let's talk details tomorrow.", OF),
    ("I'm thrilled to confirm you've been offered the position of Barista Trainer.", OF),
    ("We're pleased to make you a conditional offer, subject to a satisfactory DBS check.", OF),
    ("Your offer pack will arrive by post this week.", OF),
    ("We'd like to offer you the role on a permanent basis, starting 2 February.", OF),
    ("Delighted to say we're extending you an offer — congratulations!", OF),
    ("We've chosen you for the role! HR will follow up with the contract.", OF),
    ("I'm pleased to say that you've been appointed to the role of Finance Officer.", OF),
    ("We're happy to let you know the job is yours, pending references.", OF),
    ("On behalf of the team, congratulations on your offer! The paperwork is in your inbox.", OF),
    ("We would like to employ you as our new Sous Chef.", OF),
    ("Thank you for accepting our offer. Your start date is 5 January.", OF),
    ("Just heard back: they'd like to make you an offer! Can you chat at 5?", OF),
    ("We're over the moon to offer you the role of Events Coordinator.", OF),
    ("Hooray! You're hired. Let's get you set up in our HR system.", OF),
    ("The offer has been approved and we're sending it to you today.", OF),
    (
        "We've decided to offer you the Senior Engineer role; the team can't wait to work with"
        " you.",
        OF,
    ),
    ("We would like you to join the team as a Graduate Analyst in September.", OF),
    ("Would you like to join us as our new receptionist? The hours are 9 to 5.", OF),
    ("We can't wait to have you start in January!", OF),
    ("Please join us on Monday at 9am for your first day; bring ID for payroll.", OF),
    ("We are offering you the post of Lab Assistant at £24,000 per year.", OF),
    ("Welcome aboard, Alex — we're so excited you're joining!", OF),
    ("We're delighted that you'll be joining us in March as our new Head of Finance.", OF),
    ("Your offer of employment is attached for your review and signature.", OF),
    ("We'd love to have you as part of the team; the formal offer will come through HR.", OF),
    ("I can confirm that we are offering you the role at the salary we discussed.", OF),
    ("We're pleased to say you've been successful and the job is yours.", OF),
    ("Let's make it official: attached is your offer letter.", OF),
]

NEXT_ROUNDS = [
    ("We'd like to invite you to a second interview with the hiring manager.", N),
    ("Can you share your availability for a technical interview next week?", N),
    ("The next step will be a panel interview with the team.", N),
    ("We'd like you to complete a short take-home assignment.", N),
    ("Please use the link below to schedule your onsite interview.", N),
    ("You've been selected to move forward to the final round.", N),
    ("We are excited to move you to the next stage of our hiring process.", N),
    ("Our team would like to set up a final interview with our CEO.", N),
    ("Please complete the coding assessment within 5 days.", N),
    ("We'd love for you to come onsite to meet the team.", N),
    ("I'm happy to let you know that you've advanced to the next round.", N),
    ("The hiring manager would like to meet with you in person.", N),
    ("We'd like to conduct a reference check; please send three references.", N),
    ("Please pick a time on my calendar for a 30-minute call with our VP of Engineering.", N),
    ("Are you available Thursday for a follow-up conversation with the team?", N),
    (
        "Congratulations on making it to the final round! Your interviews are scheduled for Dec"
        " 10.",
        N,
    ),
    ("We'd like to bring you back for a final round.", N),
    ("As a next step, we'd like you to meet with our CTO.", N),
    ("I'll send over a calendar invite for the second interview.", N),
    ("The panel would like to see you again for a presentation.", N),
    ("We're keen to progress your application to the final stage.", N),
    ("We'd like to arrange a call with the director next week; what times suit you?", N),
    ("Great news, you're moving on to the onsite!", N),
    ("Could you do a short video interview with our Head of Product this week?", N),
    (
        "Hi Alex, the team enjoyed your first interview and we would like to progress you to the"
        " second stage. It will be a case study with two partners.",
        N,
    ),
    (
        "Thanks for your time today. We'd like to schedule a final round with our leadership"
        " team. Please let me know your availability next week.",
        N,
    ),
    (
        "The next stage of the process is a 60-minute technical interview, which I'd like to"
        " book in for early next week.",
        N,
    ),
    ("We'd like to invite you in to meet the wider team on Thursday.", N),
    (
        "Please complete the online personality questionnaire using the link below; it takes"
        " about 20 minutes.",
        N,
    ),
    ("Congratulations! You've been shortlisted for the final interview stage.", N),
    ("We're happy to move you forward to the hiring manager interview.", N),
    ("Would you be available for an onsite interview on the 12th?", N),
    ("We would like you to prepare a 10-minute presentation for your second interview.", N),
    ("The hiring manager has asked to meet you again before making a final decision.", N),
    ("I'd like to set up a call with our CFO; could you send me a few times that work?", N),
    ("Please book your assessment centre slot using the link below.", N),
    (
        "We'd like to take your application to the next stage: a short phone call with our"
        " hiring manager.",
        N,
    ),
    (
        "Dear Lee, thank you for your interest. We would like to invite you to attend a second"
        " interview on Tuesday 9 December at 2pm.",
        N,
    ),
    (
        "We're pleased to let you know you've progressed to the next stage of our recruitment"
        " process: a video interview.",
        N,
    ),
    (
        "The next step in our process is a short technical assessment, which you will receive by"
        " email shortly.",
        N,
    ),
    ("We'd like to schedule you for an onsite interview. What dates work for you?", N),
    ("We would like you to meet with our Head of Engineering for a 45-minute conversation.", N),
    ("Please let me know when you're free for a call with the hiring manager.", N),
    ("Congratulations! You have passed the first round and are invited to the assessment day.", N),
    ("We'd love to continue the conversation and set up time with the team.", N),
    ("Could you complete the attached task and return it by Monday?", N),
    ("You've been selected for an interview with our hiring panel.", N),
    ("Please let us know your availability for the next round.", N),
    ("I'd love to get you in front of the hiring manager next week.", N),
    ("We'd like to have you complete a skills assessment before the final interview.", N),
    ("Would you be open to a second conversation with our founder?", N),
    ("Our recruiter will reach out to schedule your final interview.", N),
    ("You're invited to interview with the Finance team on 12 January.", N),
    ("I've shared your profile with the hiring manager, who would like to speak with you.", N),
    ("We'd like to invite you to spend a day with the team at our Leeds office.", N),
    ("The team would like to proceed to a reference check. Could you provide two referees?", N),
    (
        "We'd love to see more of your work: could you put together a short case study for a"
        " second conversation?",
        N,
    ),
    ("The final step is a half-day onsite; our coordinator will send options.", N),
    (
        "The founders would like to grab lunch with you next week as the last part of the process.",
        N,
    ),
    ("We'd like to invite you to the final stage: a 90-minute panel with our leadership team.", N),
    ("Your next interview will be with the Head of Data, on Thursday at 11.", N),
    ("Please schedule time with our CTO using the calendar link below.", N),
    ("I'm happy to say you've moved on to the next round of our process.", N),
    ("The team would love for you to do a paid trial day next week.", N),
    (
        "We are pleased to inform you that you have been shortlisted for the next round of"
        " interviews.",
        N,
    ),
    ("We'd like to move you forward to a conversation with the VP of Sales.", N),
    ("The next step is a 2-hour take-home test, which I'll send over tomorrow.", N),
    ("Can you come in on Friday to meet the store manager?", N),
    (
        "We're ready to move forward with the next round of interviews and would like to include"
        " you.",
        N,
    ),
    ("Would Tuesday at 3pm work for a call with our CTO, Maya?", N),
    ("Are you free next week to meet two of our engineers?", N),
    ("Can you do a 30-minute chat with our head of product on Monday?", N),
    ("Please let me know your availability for a follow-up call with the director.", N),
    ("We'd like you to meet the team on Thursday; does 2pm work?", N),
    ("Let me know which of these times works for your final interview: Tue 10am, Wed 2pm.", N),
    ("Could you do a short presentation to the board on the 15th?", N),
    ("What days would work for you to come in for the assessment?", N),
    (
        "Unfortunately I'm tied up tomorrow, but I'd love to set up your final interview for"
        " Thursday.",
        N,
    ),
    (
        "Thank you for your interest. We would now like to invite you to an interview with the"
        " hiring panel.",
        N,
    ),
    (
        "Great chatting yesterday! Next up: a 45-minute pairing session with two engineers."
        " Here's my Calendly link.",
        N,
    ),
    ("Hi Alex, we'd like to send you a short written exercise as the next stage.", N),
    (
        "Good news: you've made the shortlist for the final interviews, which will take place on"
        " 8 January.",
        N,
    ),
    ("I'd like to set up a time for you to meet our CEO.", N),
    ("Would you like to come in for a second chat with the team next week?", N),
    ("We would like you to attend an assessment day on 12 January.", N),
    ("Please find attached the brief for your presentation at the second interview.", N),
    ("We'd like to invite you to a final round with the executive team on Friday.", N),
    ("The team would like to see a short demo of your project; can you present it on Tuesday?", N),
    ("Your next step is a call with our hiring manager; I'll send an invite.", N),
    ("We'd like you to do a short paid trial project next week.", N),
    ("Are you available for a second interview on Thursday at 2pm?", N),
    ("We'd like you to come back and meet our Head of Operations for a final chat.", N),
    ("You have been shortlisted and are invited to attend an interview on 14 January.", N),
    ("The next stage involves a psychometric test, which you'll receive by email today.", N),
    ("We would like to arrange a second interview with you at our London office.", N),
    ("Can you make Thursday at 10 for a video call with the hiring manager?", N),
    ("We'd like to move you through to the final interview stage with our MD.", N),
    ("You are requested to appear for the second technical round on 10th December at 11 AM.", N),
    ("The panel would like to invite you back to discuss the role in more detail.", N),
    ("Could we set up a follow-up conversation with our COO next week?", N),
    ("Please attend the HR discussion scheduled for Monday at 3 PM.", N),
    ("Our CFO would like 30 minutes with you this week; I'll send some options.", N),
    ("You've been put forward for the final round with the partners.", N),
    (
        "Please complete the online application form and the aptitude test to progress to"
        " interview.",
        N,
    ),
    (
        "We'll be in touch to schedule your panel interview, which will be in the week of 11"
        " January.",
        N,
    ),
    (
        "It would be great to have you meet the rest of the leadership team before we finalise"
        " anything.",
        N,
    ),
    ("Let's get you in for a final chat with the founders — how's Wednesday?", N),
    ("As discussed, we'd now like to run a background and reference check.", N),
    ("We'd like to invite you to take part in a group exercise on 9 December.", N),
    ("We're going to move you forward to the final stage.", N),
    (
        "Hi Alex,\n\nQuick update from our side. We had our debrief this morning and the"
        " feedback was really positive.\n\nWe'd like you to meet Priya, our VP of Engineering,"
        " for a 45-minute conversation about the team's roadmap. She has time on Tuesday or"
        " Thursday afternoon next week.\n\nLet me know what works!\nSam",
        N,
    ),
    (
        "Hi Alex,\n\nWe loved your take-home! The next step is a 90-minute onsite with three"
        " engineers. Our coordinator, Lee, will reach out to find a time.\n\nCheers,\nDana",
        N,
    ),
    (
        "Following your first interview, you've been invited to a second interview on 16 December.",
        N,
    ),
    ("We'd like to get a second interview on the calendar — when are you free?", N),
    ("I'd love to introduce you to our Head of Growth as the next part of the process.", N),
    (
        "The team enjoyed meeting you and would like you to spend a morning with them in the"
        " studio.",
        N,
    ),
    ("We will now move to the reference stage; please send me two referees' contact details.", N),
    ("We'd like to move you to the next phase: a meeting with the regional director.", N),
    ("Please come in on Monday for a practical assessment at 9am.", N),
    ("You're through to the last round! I'll send the details shortly.", N),
    ("We'd be delighted if you could join us for a second interview next Tuesday.", N),
    ("The panel would like to hear your 10-minute presentation on Friday.", N),
    ("Could you do a quick call with our hiring manager tomorrow afternoon?", N),
    ("We'd like to book you in for a second interview with the directors.", N),
    ("As part of the next stage, you'll meet with two members of the leadership team.", N),
    ("You've passed the phone screen and we'd like to schedule your technical interview.", N),
    ("Please use the link below to choose a time for your onsite.", N),
    ("We'd like to proceed to the final stage with you: a 1-hour interview with our CEO.", N),
    ("Please let us know which slot you'd prefer for the panel interview: Tue 2pm or Wed 10am.", N),
    ("The hiring manager would like you to come in for a half-day trial.", N),
    ("I'm sending you the details for your second interview now.", N),
    ("We're excited to keep you in the process: the next stage is a technical exercise.", N),
    ("We'd like you to join a panel interview next Monday at 10am.", N),
    ("Are you free for a quick call with Tom, our CTO, on Thursday?", N),
    (
        "Next, we'd like to see how you approach a real problem: please complete the attached"
        " case study.",
        N,
    ),
    ("You have progressed to stage 3 of our process.", N),
    ("I'd like to arrange for you to visit the site and meet the team.", N),
    ("We'd like you to join us for coffee next week to talk through the role further.", N),
    ("We'd love you to join our panel day on 14 January.", N),
    ("I'd like you to start thinking about a 15-minute presentation for the final interview.", N),
    ("We'd like you to lead a short session with the team as part of the final round.", N),
    ("We want you to meet the founders before we make an offer.", N),
    ("We'd like to invite you to take part in a final panel interview.", N),
    ("The next round will be an in-person interview at our Leeds office.", N),
    ("We want to see you again — can you make Friday at 11?", N),
    ("You have been selected to attend an assessment centre in Bristol.", N),
    ("Please find below the details of your final interview.", N),
    ("We would like to see you for a second interview; please choose a slot using the link.", N),
    ("Please prepare a short presentation on your first 90 days for the final round.", N),
    ("Would you be able to come back in and meet the Operations Director?", N),
    ("You've made it to the final three, and we'd like you to meet the board next week.", N),
    ("Are you available to speak with our Head of Talent on Wednesday?", N),
]

# Decision words without that decision: plans, hopes, conditions, outcomes still open.
NO_DECISION = [
    (
        "We're still interviewing candidates and expect to make a decision by the end of next"
        " week.",
        X,
    ),
    ("If you're selected for an onsite, our coordinator will reach out.", X),
    ("We'll let you know if we decide to move forward.", X),
    ("Once the team has reviewed everyone, we'll invite a few candidates to a final round.", X),
    ("We extended an offer to another candidate but haven't heard back yet.", X),
    ("No decisions have been made at this point.", X),
    (
        "We're moving forward with second-round interviews next week and will let you know if"
        " you're among them.",
        X,
    ),
    ("We'd like to invite you to apply for our upcoming roles.", X),
    ("We haven't made a final decision yet, but you're still in consideration.", X),
    ("The role you applied for has been put on hold.", X),
    ("Should we decide to extend an offer, we'll contact your references first.", X),
    ("Thanks for accepting our invitation to interview.", X),
    ("The team was impressed, and we're discussing next steps.", X),
    ("We will be inviting the shortlisted candidates to a second round in January.", X),
    ("We'll be extending an offer to the successful candidate by Friday.", X),
    ("If we're unable to move forward, I'll let you know.", X),
    ("We'd like to hire someone by January.", X),
    ("We're not quite ready to extend offers.", X),
    ("We plan to make offers next week.", X),
    ("We hope to be able to invite you to the next round.", X),
    ("You may be invited to a second interview depending on the other candidates.", X),
    ("Our offer process usually includes a reference check.", X),
    ("We typically invite candidates to an onsite after the phone screen.", X),
    ("Thanks for sending your availability for the interview last week.", X),
    ("The position we discussed is still open and you remain under consideration.", X),
    ("Please send your salary expectations by Thursday; we'll get back to you within a week.", X),
    ("We filled the junior role last week, but the senior role you applied for is still open.", X),
    ("Before we make an offer, we need to finish the remaining interviews.", X),
    ("We're waiting on feedback from the hiring manager before deciding on next steps.", X),
    ("Your first interview went well, and we're still meeting other candidates.", X),
    ("We have not yet decided whether to move you forward.", X),
    (
        "Thank you for your patience. We're still finalising our decision and will be in touch"
        " by the end of next week.",
        X,
    ),
    ("We had a great conversation and will let you know about next steps soon.", X),
    ("If you're successful at this stage, we'll invite you to a final interview in January.", X),
    ("The hiring manager is on leave, so the decision has been delayed until January.", X),
    ("We haven't filled the role yet and are continuing to interview.", X),
    ("We are hoping to make a decision about who to move forward with by Friday.", X),
    ("Just a reminder that your interview is tomorrow at 10am.", X),
    ("Could you please send us a copy of your degree certificate?", X),
    ("We're going to be making a decision soon, and I'll let you know either way.", X),
    ("The offer stage usually takes a week once a candidate is chosen.", X),
    ("There's been a delay because the budget for the role is being reviewed.", X),
    ("We'll decide which candidates to invite to the final round after Christmas.", X),
    (
        "Many thanks for your interview today. I'll share feedback with the panel and come back"
        " to you.",
        X,
    ),
    ("Thanks for inviting me to connect on LinkedIn!", X),
    ("We've had a lot of strong applicants and it may take a few more weeks to decide.", X),
    ("Don't take the silence as a no — we just haven't met as a team yet.", X),
    ("We received your thank-you note; the team appreciated it.", X),
    ("Your references have been received and we're reviewing them.", X),
    ("We're still reviewing applications and hope to make a decision in the next two weeks.", X),
    (
        "We're interviewing a few more candidates and will be making an offer by the end of the"
        " month.",
        X,
    ),
    (
        "If we decide to proceed with your application, we will contact you for a second"
        " interview.",
        X,
    ),
    ("The role has been put on hold and we'll reach out when hiring resumes.", X),
    ("We are not in a position to make a decision yet.", X),
    ("Your interview has been rescheduled to Thursday at 3pm because the manager is ill.", X),
    (
        "We have offered the role to our first choice and expect to hear back by Monday; I'll"
        " update you then.",
        X,
    ),
    ("No update yet, sorry! We're still gathering feedback.", X),
    (
        "Please note that candidates who are not selected for the next round will be notified by"
        " email.",
        X,
    ),
    ("Thank you for attending the final interview. A decision will be made next week.", X),
    ("We have received your application and will review it shortly.", X),
    ("We are reviewing your take-home assignment and will get back to you.", X),
    ("If you have any questions about the next steps, let me know.", X),
    ("As a reminder, the final decision will be made by the committee next week.", X),
    ("I'll pass your details on to the hiring manager.", X),
    ("We've decided to pause hiring for this role until Q2.", X),
    ("Your application is under review.", X),
    ("We're meeting later this week to decide who will receive an offer.", X),
    ("Candidates invited to the final round will hear from us by 15 December.", X),
    ("The team is leaning towards making an offer, but nothing is final yet.", X),
    (
        "We've extended an offer to our first-choice candidate and will let you know once we"
        " hear back.",
        X,
    ),
    ("Sorry for the slow reply, I was off sick last week.", X),
    ("We expect to invite finalists to onsite interviews in January.", X),
    ("Thank you for completing the assessment. Results will be shared next week.", X),
    (
        "Hi Alex, just confirming I received your thank-you note. The team is still meeting"
        " candidates and we'll circle back next week.",
        X,
    ),
    ("Thanks for the update on your notice period. I'll share it with the hiring manager.", X),
    (
        "Quick question: are you still interviewing elsewhere? No pressure, just trying to plan"
        " our timeline.",
        X,
    ),
    ("Our office will be closed for the holidays, but we'll be back in touch in January.", X),
    ("We are making good progress and should be able to share an update by Friday.", X),
    ("The panel hasn't met yet; it's been moved to Thursday.", X),
    ("Apologies — I'm not able to share salary details until later in the process.", X),
    ("Could you remind me of your availability in January? Just for planning purposes.", X),
    ("I'm not sure yet whether the team will want another conversation; I'll let you know.", X),
    ("We won't have an answer until after the board meets on the 14th.", X),
    ("Please don't hesitate to reach out if you have any questions.", X),
    ("There is no need to do anything else at this stage.", X),
    ("We're not in a rush, so take your time with the exercise.", X),
    ("This is an automated message to confirm we received your documents.", X),
    ("We can't move forward until the budget is approved, which should be next month.", X),
    ("If the role is filled internally, we'll let you know straight away.", X),
    ("You are one of three finalists, and the decision will come next week.", X),
    ("We've interviewed five people so far and have two more to see.", X),
    ("Whether or not we move forward, I'd like to thank you for your time.", X),
    ("We are not able to reimburse travel for the first interview.", X),
    ("Your interview feedback was positive overall; the committee meets Monday.", X),
    ("Sorry, we can't do Tuesday — could we move your call to Wednesday?", X),
    ("We're moving forward with the process and expect decisions by mid-December.", X),
    ("The other candidates have all finished their interviews, so we'll decide soon.", X),
    (
        "Hiring managers often take a week to review, so don't worry if you don't hear back"
        " immediately.",
        X,
    ),
    (
        "Thanks for interviewing. We're reviewing all candidates and you'll hear from us next"
        " week either way.",
        X,
    ),
    (
        "We're pleased with how the interviews went overall and expect to make offers by the 18th.",
        X,
    ),
    (
        "We have a few more interviews scheduled this week, so a decision won't come before"
        " Friday.",
        X,
    ),
    ("We don't have an update yet.", X),
    (
        "Our process has three stages: a phone screen, a technical interview and a final"
        " interview.",
        X,
    ),
    (
        "The recruiter who handled your application has left; I'm taking over and will update"
        " you soon.",
        X,
    ),
    ("Apologies, the earlier email inviting you to a second interview was sent in error.", X),
    (
        "We would like to confirm that your interview last Monday was recorded for internal"
        " training.",
        X,
    ),
    (
        "Thank you for your patience. The selection panel is still deliberating and will contact"
        " all candidates by 19 December.",
        X,
    ),
    (
        "We are currently checking references for our preferred candidate; we'll let you know"
        " the outcome next week.",
        X,
    ),
    ("Please note that we will only contact shortlisted candidates.", X),
    ("I regret that I haven't been able to get back to you sooner.", X),
    ("We're sorry for the delay; the role is still open and you're still in the process.", X),
    (
        "Unfortunately, I will be out of the office next week, but my colleague can answer any"
        " questions.",
        X,
    ),
    ("We're not moving forward with any candidates until the new year.", X),
    ("Once the successful candidate accepts, we'll notify everyone else.", X),
    ("Could you send me your notes from the interview?", X),
    ("Could you fill in this short survey about your interview experience?", X),
    ("Would you mind sharing the slides from your presentation?", X),
    ("Can you confirm your mailing address so we can reimburse your interview travel?", X),
    ("Please let me know if you have any questions about the role or the team.", X),
    ("Could you tell me when you'd be able to start, in case we move forward?", X),
    ("Can you remind me which dates you're away in January, so we can plan the final round?", X),
    ("Would you be willing to share your references later in the process, if we get there?", X),
    ("Please let us know your salary expectations before the final round.", X),
    ("Are you still available to start in February?", X),
    ("We'd like to know more about your notice period before the panel meets.", X),
    ("Could you resend your portfolio link? The one from the interview didn't open.", X),
    ("We've decided to extend the application deadline to January 15.", X),
    (
        "We have decided to add a final round for all remaining candidates, and I'll let you"
        " know if you're included.",
        X,
    ),
    (
        "The hiring manager has made a shortlist and will reach out to shortlisted candidates"
        " directly.",
        X,
    ),
    ("I've been asked to gather references for all finalists later this month.", X),
    ("We haven't selected anyone yet; interviews run until Friday.", X),
    ("We are no longer using the old portal, so please reply by email.", X),
    (
        "Unfortunately our video tool crashed during your interview; the panel still has your"
        " answers.",
        X,
    ),
    ("The role is not remote, but we can offer some flexibility on hours.", X),
    ("Nobody has been offered the role yet, and you are still very much in the running.", X),
    ("We'll be making a final decision once we've spoken to all candidates.", X),
    ("Your second interview feedback has been passed to the hiring manager.", X),
    ("We've scheduled the final interviews for the shortlisted candidates next week.", X),
    ("We're sorry we couldn't accommodate your preferred interview time.", X),
    ("Please be aware that unsuccessful candidates will not receive individual feedback.", X),
    (
        "As mentioned, the next step would normally be a panel, but we're waiting on budget"
        " approval first.",
        X,
    ),
    (
        "I'm just following up to see whether you've had a chance to complete the assessment we"
        " sent last week.",
        X,
    ),
    ("Thank you for attending the second interview yesterday.", X),
    ("The panel will decide between the final candidates on Friday.", X),
    ("We're still considering all finalists, including you, and expect to decide by the 20th.", X),
    ("If the budget is approved, we'd like to bring you in for a final round.", X),
    ("We didn't get a chance to discuss salary; could you share your expectations?", X),
    ("I'll be taking over as your point of contact for the rest of the process.", X),
    ("We have not made any decisions yet, so please don't read into the delay.", X),
    ("We're moving our interviews online due to the weather.", X),
    ("Unfortunately we had to cancel today's panel; I'll send new times shortly.", X),
    ("Thank you for your email. I have passed your query to the hiring manager.", X),
    (
        "We have received a high volume of applications, so our review is taking longer than"
        " expected.",
        X,
    ),
    ("All candidates will be informed of the outcome by the end of the month.", X),
    ("The shortlisted candidates will be invited to a second interview in January.", X),
    ("Please let us know if you are no longer interested in the role.", X),
    ("We're excited about your application and will come back to you with next steps soon.", X),
    ("Hi Alex, I'm on leave until the 5th; Priya will look after your application meanwhile.", X),
    ("We're reviewing internally and expect to have news by Wednesday.", X),
    ("Your profile is under consideration and we will revert shortly.", X),
    ("We will get back to you once the hiring manager shares feedback.", X),
    (
        "The interview panel was impressed; we will confirm the next steps after internal"
        " discussion.",
        X,
    ),
    ("We're not able to move faster on this because of the holidays.", X),
    ("Your interview with Dan has been moved to 3pm.", X),
    ("We are unable to share the interview questions in advance.", X),
    ("I'm afraid I don't have an update for you yet.", X),
    ("No one has been selected yet.", X),
    ("Could you confirm you're still interested before we put you forward to the client?", X),
    ("The team's feedback was mixed, and we're discussing whether to proceed.", X),
    ("I will let you know once I hear from the client about next steps.", X),
    ("We're hoping to bring two finalists back for another round, and I'll confirm by Monday.", X),
    ("Before any offer can be made, the role needs sign-off from finance.", X),
    ("Your interview notes have been shared with the panel for review.", X),
    ("There's a chance the role may be put on hold, but nothing is confirmed.", X),
    ("Please accept our apologies for the delay in responding.", X),
    ("We hope to let you know about the final round soon.", X),
    ("We will be inviting some candidates to a second interview next week.", X),
    ("I know you're keen for an update; I'm chasing the hiring manager today.", X),
    ("We have not yet reached the offer stage with anyone.", X),
    ("Your feedback call with Sarah is booked for Friday at noon.", X),
    ("We are looking into your question about relocation support and will come back to you.", X),
    ("Many candidates were invited to interview this round.", X),
    ("We will contact your references only if you are selected as the preferred candidate.", X),
    (
        "Hi Alex,\n\nThanks for checking in. We're not quite there yet: the hiring manager is"
        " still finishing interviews with two other candidates this week.\n\nI'd expect we'll"
        " have a decision by the 18th, and I'll let you know either way.\n\nBest,\nMia",
        X,
    ),
    (
        "Hi Alex,\n\nI wanted to give you a transparent update. We've extended an offer to"
        " another candidate, but they haven't accepted yet. You're our strong second choice, so"
        " I'll come back to you as soon as we hear.\n\nThanks for your patience,\nRob",
        X,
    ),
    (
        "Alex,\n\nYou asked about timing. We're aiming to wrap up the final round by"
        " mid-December and to make an offer shortly after. If you're our pick, you'll hear from"
        " me directly.\n\nBest,\nKai",
        X,
    ),
    (
        "Hi Alex,\n\nApologies for the radio silence. The role has been put on hold while we"
        " restructure the team, and I don't yet know when it will reopen. I'll be in touch as"
        " soon as I know more.\n\nBest,\nTom",
        X,
    ),
    ("We're still waiting to hear from one more interviewer before we can decide.", X),
    ("Could you please confirm your current notice period and salary?", X),
    ("Just so you know, the decision-maker is travelling and we'll update you next week.", X),
    ("We're excited to keep talking and will share next steps once the panel has met.", X),
    ("You should receive an automated survey about your interview experience.", X),
    ("I'll call you tomorrow with an update.", X),
    ("Please disregard the automated rejection you received; your application is still active.", X),
    ("Sorry for the mix-up with the meeting link yesterday.", X),
    (
        "New jobs for you: Senior Engineer, Staff Engineer. Apply now before the positions are"
        " filled!",
        X,
    ),
    ("Acme is hiring! Join our team of 500 people and help us build the future of payments.", X),
    (
        "Updated invitation: Interview with Acme @ Tue Dec 1, 10am. You have been invited by"
        " jane@acme.example.",
        X,
    ),
    ("Your Acme account password was changed. If this wasn't you, contact support.", X),
    ("Thanks for signing up to our talent network! We'll let you know when new roles open up.", X),
    ("Reminder: please complete your onboarding profile in the candidate portal.", X),
    (
        "Our holiday party is on Friday; all candidates currently in process are welcome to"
        " attend.",
        X,
    ),
    ("Did you receive my last email about the interview schedule?", X),
    ("Congratulations to our new VP of Sales, who joins us this week!", X),
    ("Please rate your interview experience; it takes two minutes.", X),
    ("Our office moved to 5th Avenue; please use the new address for any future visits.", X),
    ("The hiring freeze has been lifted and the search will resume in January.", X),
    ("Thanks for your question. Our benefits include a 401(k) match and 25 days of leave.", X),
    ("We're running behind schedule, so your interview tomorrow will start 15 minutes late.", X),
    ("Please don't worry if you haven't heard back yet — no news is not bad news.", X),
    ("Acme's Q4 newsletter: we welcomed 30 new colleagues and opened our Berlin office.", X),
    ("We'll be making offers to the successful candidates next week.", X),
    ("Our team meets on Thursday to discuss all finalists.", X),
    ("We've been asked to pause the process for a couple of weeks.", X),
    ("Please send through a copy of your passport for our records.", X),
    ("Our apologies — the interview scheduling tool sent you the wrong time.", X),
    ("You'll be contacted if you're successful.", X),
    ("The manager wasn't able to make Tuesday's call, so she'd like to reschedule.", X),
    ("Thanks for your patience while we complete the remaining interviews.", X),
    ("Your references are being checked as part of our standard process for all finalists.", X),
    ("We'd like to thank you again for your time and will be in touch.", X),
    ("The hiring manager has been reviewing everyone's take-home submissions this week.", X),
    ("We're yet to make a decision but will do so by Friday.", X),
    ("Could you please share your LinkedIn profile with me?", X),
    ("The team is keen, but we need to see one more candidate before deciding.", X),
    ("We offer all interviewees the chance to request feedback.", X),
    ("Once a decision is made, we'll contact everyone who interviewed.", X),
    ("We will keep your CV on file in case a suitable role comes up.", X),
    ("We're conducting final interviews this week and hope to decide soon after.", X),
    ("If you have any questions about the offer process, feel free to ask.", X),
    ("Thank you — I've passed your availability on to the panel.", X),
    ("I'm still waiting for the hiring manager's decision.", X),
    ("We'd love to hear your thoughts on the interview process.", X),
    ("Congratulations on completing all stages of the process; the panel will now decide.", X),
    ("Please hold off on accepting other offers until we've finished our process.", X),
    ("I'll have more to share on the outcome by the end of next week.", X),
    ("We're reviewing interview notes with the hiring manager this afternoon.", X),
    ("We'll be reaching out to the candidates we'd like to invite to the next round.", X),
    ("Thanks for your quick reply — I'll pass it on.", X),
    ("We're currently prioritising the roles with the most urgent start dates.", X),
    ("Your candidate profile has been updated with your new phone number.", X),
    ("The team will join the call at 2pm.", X),
    ("Please join the video call five minutes early so we can test the connection.", X),
    ("You're welcome to join our webinar on careers at Acme next month.", X),
    ("Feel free to join our talent community for future updates.", X),
    ("We'd like you to know that your application is still active.", X),
    ("We'd like you to start sending your availability for January when you can.", X),
    ("Apologies for the delay; we'll confirm the outcome of your interview by Friday.", X),
    ("We're meeting as a panel on Monday and will decide then.", X),
    ("Could you confirm your current salary before the final interview stage?", X),
    ("We don't yet know whether there will be a further round.", X),
    ("Would you be open to relocating if the role required it?", X),
    ("We will not be contacting candidates until the week after next.", X),
    ("The panel is split, so we're going to take a little more time.", X),
    ("We're still deciding whether to add another round.", X),
    ("I've asked the hiring manager for an update and will let you know.", X),
    ("We'll let all finalists know the outcome on Monday.", X),
    ("Could you send me your portfolio again? The link expired.", X),
]


@pytest.mark.parametrize(("text", "expected"), REJECTIONS + OFFERS + NEXT_ROUNDS + NO_DECISION)
def test_read_decision(text: str, expected: Outcome | None) -> None:
    assert read_decision(text).decision is expected


# --- priority and where the decisive sentence stands --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rejected > offer > next_round
        (
            "We won't be offering you the Senior role. We'd love to invite you to interview for"
            " our Associate opening instead.",
            R,
        ),
        ("We'd like to offer you the job; the final round is no longer needed.", OF),
        ("We're delighted to offer you the role. Please send two references.", OF),
        # ... unless the text shows otherwise: the bad news is about something else
        (
            "Unfortunately we couldn't get approval for the full salary you asked for, but we"
            " are offering you the role at the top of the band.",
            OF,
        ),
        ("We are pleased to offer you a place at our second-stage interview on 9 January.", N),
        ("Sadly our CEO is travelling on Monday, so could you do the final interview Tuesday?", N),
    ],
)
def test_priority(text: str, expected: Outcome | None) -> None:
    assert read_decision(text).decision is expected


SENT_AT = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def message(
    body_text: str = "",
    body_html: str = "",
    *,
    subject: str = "Re: Interview",
    headers: tuple[tuple[str, str], ...] = (),
) -> Message:
    return Message(
        message_id="<m1@acme.example>",
        thread_id="t1",
        sender=Person(email="jane@acme.example", name="Jane Doe"),
        to=(Person(email="alex@example.com"),),
        subject=subject,
        sent_at=SENT_AT,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
    )


AFTER_SMALL_TALK = """Hi Alex,

Hope your week is going well, and thanks again for the parking tip. The team enjoyed
the whiteboard session and we all learned something about rate limiters.

Having compared notes, we've decided to move forward with a candidate whose experience
with payments is deeper. It was close.

Best,
Jane
"""

IN_A_POSTSCRIPT = """Hi Alex,

Attached is the expense form you asked for; payroll will reimburse within a week.

Best,
Jane

P.S. Almost forgot the important part: we'd like to offer you the position!
"""

ONLY_IN_QUOTE = """Thanks, that works for me.

On Tue, Dec 1, 2026 at 10:00 AM Jane Doe <jane@acme.example> wrote:
> We have decided to move forward with other candidates.
"""

ABOVE_A_FORWARD = """Alex, see the note from the hiring manager below: they want you back for a
final round next week. Can you send me your availability?

---------- Forwarded message ---------
From: Sam Lee <sam@acme.example>
Date: Wed, Dec 2, 2026 at 4:00 PM
Subject: Alex

Let's bring Alex back for the final round.
"""

ONLY_IN_A_FORWARD = """FYI.

---------- Forwarded message ---------
From: Sam Lee <sam@acme.example>
Date: Wed, Dec 2, 2026 at 4:00 PM
Subject: Update

We have decided to move forward with other candidates.
"""

HTML_ONLY = (
    "<html><body><div>Hi Alex,</div><div><br></div><p>Thank you for meeting the panel."
    "</p><p>I&rsquo;m sorry to say that we won&rsquo;t be progressing your application"
    " further.</p><p>Kind regards,<br>Jane</p>"
    '<div class="gmail_quote">On Mon, Jane wrote:<blockquote>We would like to offer you the'
    " role.</blockquote></div></body></html>"
)


@pytest.mark.parametrize(
    ("body_text", "body_html", "expected"),
    [
        (AFTER_SMALL_TALK, "", R),
        (IN_A_POSTSCRIPT, "", OF),
        (ONLY_IN_QUOTE, "", X),
        (ABOVE_A_FORWARD, "", N),
        (ONLY_IN_A_FORWARD, "", X),
        ("", HTML_ONLY, R),
    ],
    ids=[
        "after-small-talk",
        "postscript",
        "only-quoted",
        "above-forward",
        "only-forwarded",
        "html",
    ],
)
def test_decision_on_the_whole_new_text(
    body_text: str, body_html: str, expected: Outcome | None
) -> None:
    assert read_decision(new_text(message(body_text, body_html))).decision is expected


def test_text_beyond_the_cap_is_not_read() -> None:
    filler = "This paragraph is part of a long pasted document. " * (MAX_DECISION_CHARS // 50 + 1)
    late = filler + "We have decided to move forward with other candidates."
    early = "We have decided to move forward with other candidates. " + filler
    assert read_decision(late).decision is None
    assert read_decision(early).decision is R


# --- uncertain -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "maybe"),
    [
        # the tone says something, no sentence states what
        ("Unfortunately the panel's view was mixed, and that's where we've landed.", R),
        ("Congratulations! HR will be in touch with the paperwork.", None),
        # a decision stated only as a possibility
        ("We may invite you to a final round with the CEO.", N),
        ("We're looking to hire someone with more Rust experience.", R),
    ],
)
def test_uncertain(text: str, maybe: Outcome | None) -> None:
    reading = read_decision(text)
    assert reading.decision is None
    assert reading.uncertain
    assert reading.maybe is maybe


@pytest.mark.parametrize(
    "text",
    [
        "We're still interviewing and will decide by Friday.",
        "Unfortunately the hiring manager is out sick, so we'll be a little delayed.",
        "We regret the delay in getting back to you; the panel meets on Monday.",
        "We have decided to move forward with other candidates.",  # decided, not uncertain
    ],
)
def test_not_uncertain(text: str) -> None:
    assert not read_decision(text).uncertain


NY = ZoneInfo("America/New_York")
ME = "alex@example.com"
SETTINGS = Settings(me=frozenset({ME}), name="Alex Doe", timezone=NY, country="US")


def _interview() -> CalendarEvent:
    start = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
    return CalendarEvent(
        event_id="acme-1",
        title="Interview with Acme",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email="jane@acme.example", name="Jane"),
        attendees=(Attendee(email=ME, response="accepted"),),
    )


def _reply(body: str, sent_at: datetime) -> Thread:
    reply = Message(
        message_id="<r1@acme.example>",
        thread_id="t1",
        sender=Person(email="jane@acme.example", name="Jane"),
        to=(Person(email=ME),),
        subject="Re: Interview",
        sent_at=sent_at,
        body_text=body,
    )
    return Thread(thread_id="t1", messages=(reply,))


def test_an_uncertain_reply_keeps_the_follow_up_pending_and_says_read_it() -> None:
    # Interview Tue Dec 1; no statement, so P = Dec 1 + 2 weeks = Tue Dec 15, follow-up 1
    # due Wed Dec 16 09:30. The reply of Thu Dec 3 is no stated decision: still pending.
    thread = _reply(
        "Unfortunately the panel's view was mixed, and that's where we've landed.",
        datetime(2026, 12, 3, 16, 0, tzinfo=NY),
    )
    now = datetime(2026, 12, 10, 12, 0, tzinfo=NY)
    (app,) = plan([_interview()], [thread], SETTINGS, now).applications
    assert app.state is State.AWAITING_DECISION
    assert app.outcome is None
    follow_up = app.actions[-1]
    assert follow_up.status is Status.PENDING
    assert follow_up.due_at == datetime(2026, 12, 16, 9, 30, tzinfo=NY)
    assert Why(rule=Rule.MAYBE_DECISION, on=date(2026, 12, 3)) in app.why
    assert why_text(app.why[-1]) == "follow-up: a reply on Dec 3 may be a decision: read it"
    # what `status` says while the follow-up is the next step
    assert reason(app) == why_text(app.why[-1])


def test_a_stated_decision_closes_without_a_read_it_line() -> None:
    thread = _reply(
        "We've decided to go with a candidate who has more agency experience.",
        datetime(2026, 12, 3, 16, 0, tzinfo=NY),
    )
    now = datetime(2026, 12, 10, 12, 0, tzinfo=NY)
    (app,) = plan([_interview()], [thread], SETTINGS, now).applications
    assert app.outcome is Outcome.REJECTED
    assert not any(why.rule is Rule.MAYBE_DECISION for why in app.why)


# --- never raises ------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "not", "no longer", "unable to", "offer", "you", "your application", "another",
        "candidate", "if", "before", "we", "would like to", "invite", "move forward", "with",
        "filled", "position", ",", ".", ";", "\u2014", "(", ")", "P.S.", "'", "\n", "hope",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=60).map(" ".join) | st.text(max_size=400))
def test_read_decision_never_raises(text: str) -> None:
    reading = read_decision(text)
    assert reading.decision is None or not reading.uncertain


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=300) | st.lists(_WORDS, max_size=40).map(" ".join),
    subject=st.text(max_size=40),
    headers=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=5),
)
def test_read_reply_never_raises(text: str, subject: str, headers: list[tuple[str, str]]) -> None:
    msg = message(text, subject=subject, headers=tuple((k.lower(), v) for k, v in headers))
    reading = read_reply(msg, text, date(2026, 12, 3), BusinessCalendar("US", None))
    assert reading.promised_on is None or reading.promised_on >= date(2026, 12, 3)


def test_the_read_it_line_survives_a_pass_that_reuses_the_readings() -> None:
    # The daemon keeps each reply's reading between passes: the uncertainty travels with it.
    thread = _reply(
        "Unfortunately the panel's view was mixed, and that's where we've landed.",
        datetime(2026, 12, 3, 16, 0, tzinfo=NY),
    )
    now = datetime(2026, 12, 10, 12, 0, tzinfo=NY)
    readings: dict[str, Reply] = {}
    for _ in range(2):
        (app,) = plan([_interview()], [thread], SETTINGS, now, replies=readings).applications
        assert Why(rule=Rule.MAYBE_DECISION, on=date(2026, 12, 3)) in app.why
    assert readings and all(r.uncertain for r in readings.values())
