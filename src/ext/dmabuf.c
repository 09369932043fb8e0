/*
 * dma_buf objects (seed 000): placeholder hooks until they land.
 */
#include "ext.h"

#include "../machine.h"

void dmabuf_mapped(struct machine *m, struct memobj *obj)
{
	(void)m;
	(void)obj;
}

void dmabuf_unmapped(struct machine *m, struct memobj *obj)
{
	(void)m;
	(void)obj;
}
