/** English texts of the agenda's shading and of offering a free slot to the waitlist (spread into en.ts). */
export const agendaAvailabilityEn = {
  'agenda.absence.leave': 'Leave',
  'agenda.absence.sick': 'Sick',
  'agenda.absence.training': 'Training',
  'agenda.absence.closure': 'Closed',
  'agenda.offHoursLegend': 'Outside working hours',
  'agenda.absenceLegend': 'Leave or practice closed',
  'agenda.availabilityFailed': 'Working hours and leave could not be loaded; the agenda is shown without them.',

  'book.offerToWaitlist': 'Offer to waitlist',
  'book.toWaitlist': 'Waitlist',
  'book.offerSlotLabel': 'Offer {when} to the waitlist',
  'book.offerInPersonNote':
    'In-person slots cannot be offered to the waitlist from here, as a room is only held by a booking. Offer a video or phone slot, or a cancelled in-person appointment from the waitlist.',

  'candidates.slotTitle': 'Waiting clients for this free slot',
  'candidates.slotNote': 'Offering does not hold the time: the slot can still be booked until the client accepts.',
  'candidates.noService': 'No service on this entry: a free slot cannot be offered to it (a cancelled appointment can).',
};
