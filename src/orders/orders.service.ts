import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { UsersService } from '../users/users.service';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly users: UsersService,
  ) {}

  findForUser(userId: number): Promise<Order[]> {
    return this.orders.find({ where: { userId }, order: { id: 'ASC' } });
  }

  async create(input: { userId: number; total: string }): Promise<Order> {
    await this.users.findOne(input.userId);
    return this.orders.save(this.orders.create(input));
  }
}
