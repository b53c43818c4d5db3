// Page sizes of every paged list: one definition, so the lists offer the same choices.
export const PAGE_SIZES = [20, 50, 100] as const
export const DEFAULT_PAGE_SIZE: number = PAGE_SIZES[0]
